import type { TelemetryAddress } from '@polis/contracts';

/** Time constant of the message-rate estimate: a sensor that stops is near zero after a few minutes. */
const RATE_TAU_MS = 60_000;

export interface SensorActivityRecord extends TelemetryAddress {
  firstSeen: number;
  lastSeen: number;
  messages: number;
  /** Exponentially weighted events per millisecond, as of lastSeen. */
  rate: number;
}

export interface SensorActivityView extends TelemetryAddress {
  firstSeen: string;
  lastSeen: string;
  messages: number;
  messagesPerSecond: number;
}

export interface SiteActivityView {
  siteId: string;
  sensors: number;
  firstSeen: string;
  lastSeen: string;
  messagesPerSecond: number;
}

export function activityKey(a: TelemetryAddress): string {
  return `${a.siteId}.${a.sensorKind}.${a.sensorId}`;
}

function rateAt(record: SensorActivityRecord, now: number): number {
  return record.rate * Math.exp(-Math.max(0, now - record.lastSeen) / RATE_TAU_MS) * 1000;
}

/** Pure bookkeeping of which sites and sensors have been seen; persistence is the caller's job. */
export class SensorActivity {
  private readonly records = new Map<string, SensorActivityRecord>();
  private readonly dirty = new Set<string>();

  record(address: TelemetryAddress, now: number): void {
    const key = activityKey(address);
    const existing = this.records.get(key);
    if (!existing) {
      this.records.set(key, {
        ...address,
        firstSeen: now,
        lastSeen: now,
        messages: 1,
        rate: 1 / RATE_TAU_MS,
      });
    } else {
      const dt = Math.max(0, now - existing.lastSeen);
      existing.rate = existing.rate * Math.exp(-dt / RATE_TAU_MS) + 1 / RATE_TAU_MS;
      existing.lastSeen = Math.max(existing.lastSeen, now);
      existing.messages += 1;
    }
    this.dirty.add(key);
  }

  restore(record: SensorActivityRecord): void {
    const key = activityKey(record);
    if (!this.records.has(key)) this.records.set(key, { ...record });
  }

  /** Records changed since the last call, for the persistence loop. */
  takeDirty(): SensorActivityRecord[] {
    const out = [...this.dirty].flatMap((key) => {
      const record = this.records.get(key);
      return record ? [{ ...record }] : [];
    });
    this.dirty.clear();
    return out;
  }

  sensors(now: number, siteId?: string): SensorActivityView[] {
    return [...this.records.values()]
      .filter((r) => siteId === undefined || r.siteId === siteId)
      .sort((a, b) => activityKey(a).localeCompare(activityKey(b)))
      .map((r) => ({
        siteId: r.siteId,
        sensorKind: r.sensorKind,
        sensorId: r.sensorId,
        firstSeen: new Date(r.firstSeen).toISOString(),
        lastSeen: new Date(r.lastSeen).toISOString(),
        messages: r.messages,
        messagesPerSecond: rateAt(r, now),
      }));
  }

  sites(now: number): SiteActivityView[] {
    const bySite = new Map<string, SensorActivityRecord[]>();
    for (const r of this.records.values()) bySite.set(r.siteId, [...(bySite.get(r.siteId) ?? []), r]);
    return [...bySite.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([siteId, records]) => ({
        siteId,
        sensors: records.length,
        firstSeen: new Date(Math.min(...records.map((r) => r.firstSeen))).toISOString(),
        lastSeen: new Date(Math.max(...records.map((r) => r.lastSeen))).toISOString(),
        messagesPerSecond: records.reduce((sum, r) => sum + rateAt(r, now), 0),
      }));
  }
}
