import { parseTelemetrySubject } from '@polis/contracts';
import { TelemetryAddresses } from './telemetry-addresses';

describe(TelemetryAddresses.name, () => {
  it('answers as parseTelemetrySubject does, for good and bad subjects, first and later times', () => {
    const addresses = new TelemetryAddresses('polis');
    const subjects = [
      'polis.telemetry.site-a.traffic-loop.s1',
      'polis.telemetry.site-a.Bad_Id',
      'other.telemetry.a.b.c',
    ];
    for (let round = 0; round < 2; round++) {
      for (const subject of subjects)
        expect(addresses.parse(subject)).toEqual(parseTelemetrySubject('polis', subject));
    }
  });

  it('stays within its capacity and still answers after starting over', () => {
    const addresses = new TelemetryAddresses('polis', 3);
    for (let i = 0; i < 10; i++) {
      const result = addresses.parse(`polis.telemetry.site-a.traffic-loop.s${i}`);
      expect(result).toEqual({
        ok: true,
        address: { siteId: 'site-a', sensorKind: 'traffic-loop', sensorId: `s${i}` },
      });
    }
    expect((addresses as unknown as { parsed: Map<string, unknown> }).parsed.size).toBeLessThanOrEqual(3);
  });
});
