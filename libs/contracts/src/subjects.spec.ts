import { parseTelemetrySubject, telemetrySubject } from './subjects';

describe(telemetrySubject.name, () => {
  it('round-trips through the parser', () => {
    const address = { siteId: 'energy-02', sensorKind: 'energy-meter', sensorId: 'feeder-3' };
    const subject = telemetrySubject('polis', address);
    expect(subject).toBe('polis.telemetry.energy-02.energy-meter.feeder-3');
    expect(parseTelemetrySubject('polis', subject)).toEqual({ ok: true, address });
  });

  it('refuses to build a subject from a bad token', () => {
    expect(() => telemetrySubject('polis', { siteId: 'a.b', sensorKind: 'x', sensorId: 'y' })).toThrow(
      /siteId/,
    );
  });

  it('names the offending token when parsing', () => {
    const result = parseTelemetrySubject('polis', 'polis.telemetry.ok.kind.Bad_Id');
    expect(result).toEqual({ ok: false, detail: expect.stringContaining('sensorId "Bad_Id"') });
  });

  it('rejects subjects under another prefix', () => {
    expect(parseTelemetrySubject('polis', 'other.telemetry.a.b.c').ok).toBe(false);
  });
});
