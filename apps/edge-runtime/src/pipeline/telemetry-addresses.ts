import { parseTelemetrySubject, type SubjectParseResult } from '@polis/contracts';

/**
 * `parseTelemetrySubject` with a memory: a site has a fixed set of sensors, so the same subjects come back
 * with every reading, and splitting and checking one costs more than a map lookup. Bounded: when a flood of
 * distinct subjects fills it, it starts over.
 */
export class TelemetryAddresses {
  private readonly parsed = new Map<string, SubjectParseResult>();

  constructor(
    private readonly prefix: string,
    private readonly capacity = 10_000,
  ) {}

  parse(subject: string): SubjectParseResult {
    let result = this.parsed.get(subject);
    if (result === undefined) {
      result = parseTelemetrySubject(this.prefix, subject);
      if (this.parsed.size >= this.capacity) this.parsed.clear();
      this.parsed.set(subject, result);
    }
    return result;
  }
}
