/**
 * One result and one decision per (site, model, sensor, window) on the public subjects, whoever serves the
 * site. The home runner keeps running when its node goes NotReady or its API answers 503 (as a kubelet behind
 * a partition does), and the central copy Polis fails over to reads the same telemetry in another queue
 * group: both compute every window. The serving stream lets one copy of each window through.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription } from 'nats';
import { PodProcessRunner } from '../../apps/kube-emulator/src/pod-process-runner';
import { NATS_URL } from '../support/services';
import { DeploymentHarness, describeWorkload, eventually } from './support';

const MODEL = 'congestion-classifier';
const RUNTIME = join(__dirname, '../../dist/apps/edge-runtime/main.js');
const MINUTE = 60_000;
const INTERVAL = 5 * MINUTE;
const LOOPS = ['loop-n', 'loop-s'];

/** Counts messages per window key (`sensor@ts`). */
class WindowCounter {
  readonly counts = new Map<string, number>();
  /** When each window first arrived (ms since the epoch, this clock). */
  readonly arrivals = new Map<string, number>();
  private subscription?: Subscription;

  constructor(
    private readonly h: DeploymentHarness,
    private readonly subject: string,
  ) {}

  start(): this {
    this.subscription = this.h.nc.subscribe(this.subject, {
      callback: (_error, message) => {
        const body = message.json<{ sensorId: string; ts: number }>();
        const key = `${body.sensorId}@${body.ts}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        if (!this.arrivals.has(key)) this.arrivals.set(key, Date.now());
      },
    });
    return this;
  }

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  twice(): string[] {
    return [...this.counts].filter(([, n]) => n > 1).map(([key]) => key);
  }

  /** Windows of `sensor` between its first and last that never arrived. */
  missing(sensor: string): number[] {
    const seen = [...this.counts.keys()]
      .filter((k) => k.startsWith(`${sensor}@`))
      .map((k) => Number(k.split('@')[1]))
      .sort((a, b) => a - b);
    const gaps: number[] = [];
    for (let ts = seen[0]; ts <= seen[seen.length - 1]; ts += INTERVAL) if (!seen.includes(ts)) gaps.push(ts);
    return gaps;
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}

describe('one result per reading through failover, overlap and return', () => {
  let h: DeploymentHarness;
  let runner: PodProcessRunner;
  let stateDir: string;
  let publishing: NodeJS.Timeout | undefined;
  // Replayed readings, one a minute per loop, aligned to the model's 5-minute intervals; heavy traffic every
  // other interval so the congestion classifier has decisions to make.
  let nextTs = Math.floor((Date.now() - 48 * 60 * MINUTE) / INTERVAL) * INTERVAL;

  const publishMinute = () => {
    const heavy = Math.floor(nextTs / INTERVAL) % 2 === 0;
    for (const loop of LOOPS)
      h.nc.publish(
        `${h.prefix}.telemetry.traffic-a.traffic-loop.${loop}`,
        JSON.stringify({
          ts: nextTs,
          values: heavy
            ? { vehicleCount: 45, meanSpeedKmh: 6, occupancyPct: 90 }
            : { vehicleCount: 8, meanSpeedKmh: 50, occupancyPct: 8 },
        }),
      );
    nextTs += MINUTE;
  };
  const copyProcess = () => runner.running.some((k) => k.startsWith('central-1/'));
  const copyWorkload = () =>
    h
      .workloads('central-1')
      .map(describeWorkload)
      .find((w) => w.annotations['polis.city/serves-site'] === 'traffic-a');

  beforeAll(async () => {
    if (!existsSync(RUNTIME))
      throw new Error(`${RUNTIME} is missing: run "npx nest build edge-runtime" first`);
    stateDir = await mkdtemp(join(tmpdir(), 'polis-pods-'));
    h = await DeploymentHarness.start('one-result', {
      DEPLOYMENT_SITE_LOSS_GRACE_MS: '1500',
      DEPLOYMENT_RUNNER_NATS_URL: NATS_URL,
    });
    runner = new PodProcessRunner({
      script: RUNTIME,
      stateDir,
      extraEnv: {
        POLIS_HEARTBEAT_INTERVAL_MS: '1000',
        LOG_LEVEL: 'warn',
        POLIS_BATCH_MAX_SIZE: '1',
        POLIS_BATCH_MAX_WAIT_MS: '0',
      },
      log: () => undefined,
    });
    for (const [id, kind, cpu] of [
      ['traffic-a', 'traffic', '4'],
      ['central-1', 'central', '16'],
    ] as const) {
      const site = await h.addSite({ id, kind, cpu, nodes: 1, hooks: runner.hooks(id) });
      runner.attach(id, site);
    }
    await h.publishModel(MODEL);
    const created = await h.api('POST', '/deployments', {
      id: 'flow',
      model: { name: MODEL, version: '1.0.0' },
      targets: { ids: ['traffic-a'] },
      policy: 'edge-preferred',
    });
    expect(created.status).toBe(201);
    await eventually('flow Ready', async () => (await h.status('flow')).state === 'Ready', 30_000);
  });

  afterAll(async () => {
    clearInterval(publishing);
    await runner?.stopAll();
    await h?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('lets one copy of each window through while home and the central copy both serve, and loses none', async () => {
    const results = new WindowCounter(h, `${h.prefix}.inference.traffic-a.${MODEL}`).start();
    const decisions = new WindowCounter(h, `${h.prefix}.decision.traffic-a.${MODEL}`).start();
    // What the runners publish, before the stream: proof that both of them served the same windows.
    const published = new WindowCounter(h, `${h.prefix}.serving.inference.traffic-a.${MODEL}`).start();
    publishing = setInterval(publishMinute, 40);
    await eventually('results from the home runner', () => results.total >= 4, 30_000);

    // Episode 1: the node goes NotReady; its runner keeps running, the copy starts on central.
    const site = h.site('traffic-a');
    const [node] = site.nodeNames();
    site.setNodeReady(node, false);
    await eventually('the central copy serving', () => copyProcess(), 30_000);
    const overlapStart = published.twice().length;
    await eventually(
      'windows computed by both runners',
      () => published.twice().length >= overlapStart + 10,
      30_000,
    );
    site.setNodeReady(node, true);
    await eventually('the copy removed after the return', () => copyWorkload() === undefined, 30_000);

    // Episode 2: the API answers 503 (the demo's case); the runner keeps running behind it.
    const beforeSecond = published.twice().length;
    site.setUnavailable(true);
    await eventually('the central copy serving again', () => copyProcess(), 30_000);
    await eventually(
      'windows computed by both runners again',
      () => published.twice().length >= beforeSecond + 10,
      30_000,
    );
    site.setUnavailable(false);
    await eventually('the copy removed after the second return', () => copyWorkload() === undefined, 30_000);
    await eventually('the copy process gone', () => !copyProcess(), 30_000);

    // After the return, home alone again: a few more windows.
    const after = results.total;
    await eventually('results after the return', () => results.total >= after + 6, 30_000);
    clearInterval(publishing);
    await new Promise((r) => setTimeout(r, 1_000));
    for (const counter of [results, decisions, published]) counter.stop();

    expect(published.twice().length).toBeGreaterThanOrEqual(20); // both served, twice over
    expect(results.twice()).toEqual([]);
    expect(decisions.twice()).toEqual([]);
    expect(decisions.total).toBeGreaterThan(0);
    // The home runner never stopped: no window is missing on the public subject.
    for (const loop of LOOPS) expect(results.missing(loop)).toEqual([]);
    console.info(
      `one-result: ${results.total} results (${published.total} published by runners, ${published.twice().length} windows by both), ${decisions.total} decisions, none twice`,
    );
  });

  it('for a site that goes dark with its runners, misses only the switch-over gaps, and never delivers twice', async () => {
    const results = new WindowCounter(h, `${h.prefix}.inference.traffic-a.${MODEL}`).start();
    publishing = setInterval(publishMinute, 40);
    await eventually('results from the home runner', () => results.total >= 4, 30_000);

    const site = h.site('traffic-a');
    const darkAt = Date.now();
    await site.stop();
    await runner.stopCluster('traffic-a'); // the site's processes go dark with it
    const before = results.total;
    await eventually('results from the central copy', () => results.total >= before + 4, 30_000);
    const resumedAt = Math.min(...[...results.arrivals.values()].filter((t) => t > darkAt + 500));

    const backAt = Date.now();
    await site.start();
    runner.resume('traffic-a'); // its pods are still Running: their processes start again, with no history
    await eventually('the copy removed after the return', () => copyWorkload() === undefined, 30_000);
    await eventually('the copy process gone', () => !copyProcess(), 30_000);
    const after = results.total;
    await eventually('results from the home runner again', () => results.total >= after + 6, 30_000);
    clearInterval(publishing);
    await new Promise((r) => setTimeout(r, 1_000));
    results.stop();

    expect(results.twice()).toEqual([]);
    // Each sensor misses windows only in the two switch-over gaps: going dark, and its runner's restart.
    const gaps = LOOPS.map((loop) => runsOf(results.missing(loop)));
    for (const runs of gaps) expect(runs.length).toBeLessThanOrEqual(2);
    const returnGapMs = gapAfter(results, backAt);
    console.info(
      `one-result dark: ${results.total} results, none twice; missing windows per sensor in runs ${JSON.stringify(gaps)}; ` +
        `no result for ${resumedAt - darkAt} ms after going dark, ${returnGapMs} ms around the return`,
    );
  });
});

/** Lengths of the runs of consecutive window timestamps (INTERVAL apart). */
function runsOf(timestamps: readonly number[]): number[] {
  const runs: number[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    if (i > 0 && timestamps[i] === timestamps[i - 1] + INTERVAL) runs[runs.length - 1] += 1;
    else runs.push(1);
  }
  return runs;
}

/** The longest stretch without a new window arriving, from `from` on. */
function gapAfter(counter: WindowCounter, from: number): number {
  const times = [from, ...[...counter.arrivals.values()].filter((t) => t >= from)].sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
  return longest;
}
