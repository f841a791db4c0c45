import type { TelemetryReading } from '@polis/contracts';

export interface LiveFilter {
  siteId?: string;
  sensorKind?: string;
}

/**
 * Per-client coalescing buffer: between two ticks only the latest reading of each sensor is kept,
 * and one tick sends at most `maxSensorsPerEvent` of them, so a slow browser never builds a backlog.
 */
export class LiveThrottle {
  private readonly latest = new Map<string, TelemetryReading>();
  private coalesced = 0;

  constructor(
    private readonly filter: LiveFilter,
    private readonly maxSensorsPerEvent: number,
  ) {}

  offer(reading: TelemetryReading): void {
    if (this.filter.siteId && reading.siteId !== this.filter.siteId) return;
    if (this.filter.sensorKind && reading.sensorKind !== this.filter.sensorKind) return;
    const key = `${reading.siteId}.${reading.sensorKind}.${reading.sensorId}`;
    if (this.latest.has(key)) this.coalesced += 1;
    this.latest.set(key, reading);
  }

  /** The event to send on this tick, or undefined when nothing arrived. */
  drain(): { readings: TelemetryReading[]; coalesced: number; deferred: number } | undefined {
    if (this.latest.size === 0) return undefined;
    const readings: TelemetryReading[] = [];
    for (const [key, reading] of this.latest) {
      if (readings.length >= this.maxSensorsPerEvent) break;
      readings.push(reading);
      this.latest.delete(key);
    }
    const event = { readings, coalesced: this.coalesced, deferred: this.latest.size };
    this.coalesced = 0;
    return event;
  }
}
