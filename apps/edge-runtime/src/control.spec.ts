import { controlSubject, parseSwitchRequest } from './control';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('version switch requests', () => {
  it('addresses one model on one site', () => {
    expect(controlSubject('polis', 'site-a', 'm')).toBe('polis.control.runtime.site-a.m');
  });

  it('accepts a version with an optional pinned digest', () => {
    expect(parseSwitchRequest(bytes('{"version":"1.2.0"}'))).toEqual({ version: '1.2.0' });
    const sha256 = 'c'.repeat(64);
    expect(parseSwitchRequest(bytes(JSON.stringify({ version: '2.0.0', sha256 })))).toEqual({
      version: '2.0.0',
      sha256,
    });
  });

  it.each([
    'not json',
    '{}',
    '{"version":""}',
    '{"version":"1.0.0","sha256":"xyz"}',
    '{"version":"1","extra":1}',
  ])('refuses %p with a reason', (body) => {
    expect(parseSwitchRequest(bytes(body))).toEqual({ error: expect.any(String) });
  });
});
