import { ApiError } from '../model/api-error';
import { decodeProtobufObject } from './protobuf';

/** Hand-rolled protobuf encoding, independent of the decoder's schema. */
function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push(rest % 0x80 | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
const field = (number: number, payload: Buffer): Buffer =>
  Buffer.concat([varint((number << 3) | 2), varint(payload.length), payload]);
const text = (number: number, value: string): Buffer => field(number, Buffer.from(value));
const integer = (number: number, value: number): Buffer =>
  Buffer.concat([varint(number << 3), varint(value)]);
const entry = (number: number, key: string, value: Buffer | string): Buffer =>
  field(number, Buffer.concat([text(1, key), field(2, Buffer.from(value))]));

function envelope(kind: string, raw: Buffer): Buffer {
  const unknown = Buffer.concat([field(1, Buffer.concat([text(1, 'v1'), text(2, kind)])), field(2, raw)]);
  return Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), unknown]);
}

describe('decodeProtobufObject', () => {
  it('decodes a helm release Secret into its JSON form', () => {
    const metadata = Buffer.concat([
      text(1, 'sh.helm.release.v1.demo.v1'),
      text(6, '42'),
      field(8, integer(1, 1735689600)),
      entry(11, 'owner', 'helm'),
      field(
        17,
        Buffer.concat([
          text(1, 'helm'),
          text(2, 'Update'),
          text(6, 'FieldsV1'),
          field(7, text(1, '{"f:data":{}}')),
        ]),
      ),
    ]);
    const secret = Buffer.concat([
      field(1, metadata),
      entry(2, 'release', Buffer.from([0, 1, 2, 255])),
      text(3, 'helm.sh/release.v1'),
    ]);
    expect(decodeProtobufObject(envelope('Secret', secret))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'sh.helm.release.v1.demo.v1',
        resourceVersion: '42',
        creationTimestamp: '2025-01-01T00:00:00Z',
        labels: { owner: 'helm' },
        managedFields: [
          { manager: 'helm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } },
        ],
      },
      data: { release: Buffer.from([0, 1, 2, 255]).toString('base64') },
      type: 'helm.sh/release.v1',
    });
  });

  it('decodes DeleteOptions', () => {
    const options = Buffer.concat([text(4, 'Background'), field(2, text(1, 'uid-1')), text(5, 'All')]);
    expect(decodeProtobufObject(envelope('DeleteOptions', options))).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
      preconditions: { uid: 'uid-1' },
      dryRun: ['All'],
    });
  });

  it('refuses kinds it has no schema for, and bodies without the envelope', () => {
    expect(() => decodeProtobufObject(envelope('Deployment', Buffer.alloc(0)))).toThrow(ApiError);
    expect(() => decodeProtobufObject(envelope('Deployment', Buffer.alloc(0)))).toThrow(
      /only for Secret, ConfigMap, Namespace and DeleteOptions/,
    );
    expect(() => decodeProtobufObject(Buffer.from('{"kind":"Secret"}'))).toThrow(/envelope/);
  });
});
