/**
 * Inference latency model: one inference needs `flopsPerInference` floating-point operations and a node
 * sustains `gflops` × 10⁹ of them per second, so time (ms) = flops / (gflops × 10⁶). It ignores batching,
 * queueing and pre/post-processing on purpose: it is a screening estimate to rule out nodes that cannot meet
 * an SLO, and `cpuGflops` should be a measured sustained figure, not a datasheet peak.
 */
export function estimateInferenceMs(flopsPerInference: number, gflops: number): number {
  return flopsPerInference / (gflops * 1e6);
}

/** Offloaded replicas pay the target site's round trip to the central site on every request. */
export function estimateEndToEndMs(inferenceMs: number, rttMs: number): number {
  return rttMs + inferenceMs;
}

export function formatMs(ms: number): string {
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${Number(ms.toFixed(1))} ms`;
  return `${Number(ms.toPrecision(2))} ms`;
}
