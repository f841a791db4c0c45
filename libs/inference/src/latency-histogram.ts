export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Log-bucketed latency histogram: constant memory, O(1) record, quantiles within `relativePrecision`
 * (2% by default) of the true value between `minMs` and `maxMs`; values outside are clamped into range.
 */
export class LatencyHistogram {
  private readonly counts: Uint32Array;
  private readonly logGrowth: number;
  private count = 0;
  private sum = 0;
  private max = 0;

  constructor(
    private readonly minMs = 0.001,
    private readonly maxMs = 600_000,
    relativePrecision = 0.02,
  ) {
    if (!(minMs > 0 && maxMs > minMs)) throw new RangeError('need 0 < minMs < maxMs');
    if (!(relativePrecision > 0 && relativePrecision < 1))
      throw new RangeError('relativePrecision in (0, 1)');
    this.logGrowth = Math.log1p(relativePrecision);
    this.counts = new Uint32Array(this.bucketOf(maxMs) + 1);
  }

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const value = Math.min(Math.max(ms, this.minMs), this.maxMs);
    this.counts[this.bucketOf(value)]++;
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  /** Upper edge of the bucket holding the q-quantile (never above the largest value recorded); 0 if empty. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.upperEdge(i), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.max,
      mean: this.count === 0 ? 0 : this.sum / this.count,
    };
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  private bucketOf(value: number): number {
    return Math.max(0, Math.ceil(Math.log(value / this.minMs) / this.logGrowth - 1e-9));
  }

  private upperEdge(bucket: number): number {
    return this.minMs * Math.exp(bucket * this.logGrowth);
  }
}
