import fc from 'fast-check';
import type { KubeObject } from '../model/types';
import { parseLogRequest, tailOffset } from './pod-logs';

function reader(content: Buffer): (position: number, length: number) => Promise<Buffer> {
  return async (position, length) => content.subarray(position, position + length);
}

/** The last `lines` lines as `tail -n` prints them, by splitting the whole text. */
function naiveTail(text: string, lines: number): string {
  if (lines === 0) return '';
  const parts = text.split('\n');
  const trailingNewline = text.endsWith('\n');
  if (trailingNewline) parts.pop();
  const kept = parts.slice(Math.max(0, parts.length - lines)).join('\n');
  return kept === '' && parts.length === 0 ? '' : kept + (trailingNewline ? '\n' : '');
}

const pod = (containers: string[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'runner-1' },
  spec: { containers: containers.map((name) => ({ name, image: 'x' })) },
});

describe('tailOffset', () => {
  it('starts the last N lines where tail -n would, however the text is cut into lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'bc', '\n', 'é', '\n\n')).map((parts) => parts.join('')),
        fc.nat(8),
        async (text, lines) => {
          const content = Buffer.from(text);
          const offset = await tailOffset(reader(content), content.length, lines);
          expect(content.subarray(offset).toString()).toBe(naiveTail(text, lines));
        },
      ),
    );
  });

  it('reads a file larger than one chunk backwards', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const content = Buffer.from(`${lines.join('\n')}\n`);
    const offset = await tailOffset(reader(content), content.length, 3);
    expect(content.subarray(offset).toString()).toBe('line 19997\nline 19998\nline 19999\n');
  });
});

describe('parseLogRequest', () => {
  it('defaults the only container and reads follow, tailLines and limitBytes', () => {
    expect(
      parseLogRequest(pod(['app']), new URLSearchParams('follow=true&tailLines=5&limitBytes=10')),
    ).toEqual({
      container: 'app',
      follow: true,
      tailLines: 5,
      limitBytes: 10,
    });
    expect(parseLogRequest(pod(['app', 'side']), new URLSearchParams('container=side'))).toMatchObject({
      container: 'side',
      follow: false,
    });
  });

  it('answers the API server messages for a wrong container or a previous one', () => {
    expect(() => parseLogRequest(pod(['a', 'b']), new URLSearchParams())).toThrow(
      'a container name must be specified for pod runner-1, choose one of: [a b]',
    );
    expect(() => parseLogRequest(pod(['a']), new URLSearchParams('container=z'))).toThrow(
      'container z is not valid for pod runner-1',
    );
    expect(() => parseLogRequest(pod(['a']), new URLSearchParams('previous=true'))).toThrow(
      'previous terminated container "a" in pod "runner-1" not found',
    );
  });

  it('refuses bad numbers and what the emulator cannot tell (timestamps, since)', () => {
    expect(() => parseLogRequest(pod(['a']), new URLSearchParams('tailLines=-1'))).toThrow(/tailLines/);
    expect(() => parseLogRequest(pod(['a']), new URLSearchParams('limitBytes=0'))).toThrow(/limitBytes/);
    expect(() => parseLogRequest(pod(['a']), new URLSearchParams('timestamps=true'))).toThrow(/timestamps/);
    expect(() => parseLogRequest(pod(['a']), new URLSearchParams('sinceSeconds=10'))).toThrow(/sinceSeconds/);
  });
});
