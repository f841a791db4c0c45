import type { KubeObject } from '@polis/kube-emulator';
import { renderSiteLeaf } from '@polis/manifests';
import { podArguments, podMounts, podProgram, remapPaths } from './pod-programs';

const leafPod = (): KubeObject => {
  const { deployment } = renderSiteLeaf({
    siteId: 's',
    subjectPrefix: 'p',
    hubLeafUrl: 'nats-leaf://hub:7422',
    maxFileStoreBytes: 64 * 1024 ** 2,
  });
  return { metadata: { name: 'leaf' }, spec: deployment.spec!.template.spec } as unknown as KubeObject;
};
const podOf = (image: string): KubeObject =>
  ({ metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image }] } }) as unknown as KubeObject;

describe('pod programs', () => {
  it('runs nats images as nats-server and everything else as the edge runtime', () => {
    expect(podProgram(leafPod())).toBe('nats-server');
    expect(podProgram(podOf('docker.io/library/nats:2.9.10'))).toBe('nats-server');
    expect(podProgram(podOf('ghcr.io/polis-city/edge-runtime:0.1.0'))).toBe('node-script');
    expect(podProgram(podOf('ghcr.io/x/natsy:1'))).toBe('node-script');
  });

  it('maps the leaf pod mounts and command line onto local folders', () => {
    const pod = leafPod();
    expect(podMounts(pod)).toEqual([
      { mountPath: '/etc/nats', configMap: 'polis-site-nats', volume: 'config' },
      { mountPath: '/data/jetstream', volume: 'jetstream' },
    ]);
    const mapping = new Map([
      ['/etc/nats', '/tmp/pod/volumes/config'],
      ['/etc', '/wrong'],
    ]);
    expect(podArguments(pod).map((arg) => remapPaths(arg, mapping))).toEqual([
      '-c',
      '/tmp/pod/volumes/config/nats-server.conf',
    ]);
  });
});
