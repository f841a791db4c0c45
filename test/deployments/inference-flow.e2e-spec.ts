/**
 * The simulated city runs it for real: pods the emulated kubelet starts are real edge-runtime processes, so
 * deploying a model makes inference results appear for a site's sensors; taking the site down stops them
 * there, and they resume from the central copy Polis fails over to.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription } from 'nats';
import { PodProcessRunner } from '../../apps/kube-emulator/src/pod-process-runner';
import { NATS_URL } from '../support/services';
import { DeploymentHarness, eventually } from './support';

const MODEL = 'congestion-classifier';
const RUNTIME = join(__dirname, '../../dist/apps/edge-runtime/main.js');
const MINUTE = 60_000;

describe('inference flowing from deployed models, and through a failover', () => {
  let h: DeploymentHarness;
  let runner: PodProcessRunner;
  let stateDir: string;
  let results: { ts: number; sensorId?: string; outputs: Record<string, number[]> }[] = [];
  let subscription: Subscription;
  // A replayed stretch of readings, one a minute, aligned to the model's 5-minute intervals.
  let nextTs = Math.floor((Date.now() - 6 * 60 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE;

  const publishMinutes = async (minutes: number) => {
    for (let i = 0; i < minutes; i++, nextTs += MINUTE) {
      for (const loop of ['loop-n', 'loop-s']) {
        h.nc.publish(
          `${h.prefix}.telemetry.traffic-a.traffic-loop.${loop}`,
          JSON.stringify({
            ts: nextTs,
            values: { vehicleCount: 12 + (i % 5), meanSpeedKmh: 38, occupancyPct: 22 },
          }),
        );
      }
    }
    await h.nc.flush();
  };

  beforeAll(async () => {
    if (!existsSync(RUNTIME))
      throw new Error(`${RUNTIME} is missing: run "npx nest build edge-runtime" first`);
    stateDir = await mkdtemp(join(tmpdir(), 'polis-pods-'));
    h = await DeploymentHarness.start('inference-flow', {
      DEPLOYMENT_SITE_LOSS_GRACE_MS: '1500',
      DEPLOYMENT_RUNNER_NATS_URL: NATS_URL,
    });
    runner = new PodProcessRunner({
      script: RUNTIME,
      stateDir,
      // No POLIS_SUBJECT_PREFIX here: the runner must take the control plane's prefix from its ConfigMap.
      extraEnv: { POLIS_HEARTBEAT_INTERVAL_MS: '1000', LOG_LEVEL: 'warn' },
      log: () => undefined,
    });
    for (const [id, kind, cpu] of [
      ['traffic-a', 'traffic', '4'],
      ['central-1', 'central', '16'],
    ] as const) {
      const site = await h.addSite({ id, kind, cpu, nodes: 1, hooks: runner.hooks(id) });
      runner.attach(id, site);
    }
    subscription = h.nc.subscribe(`${h.prefix}.inference.traffic-a.${MODEL}`, {
      callback: (_error, message) => results.push(message.json()),
    });
    await h.publishModel(MODEL);
    const created = await h.api('POST', '/deployments', {
      id: 'flow',
      model: { name: MODEL, version: '1.0.0' },
      targets: { ids: ['traffic-a'] },
      policy: 'edge-preferred',
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    subscription?.unsubscribe();
    await runner?.stopAll();
    await h?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('serves the site with a real runtime once the deployment is Ready', async () => {
    await eventually('flow Ready', async () => (await h.status('flow')).state === 'Ready', 30_000);
    await eventually('a runtime process on traffic-a', () =>
      runner.running.some((k) => k.startsWith('traffic-a/')),
    );
    // The runtime needs its model loaded before readings count: publish until results come.
    await eventually(
      'inference results for traffic-a',
      async () => {
        await publishMinutes(5);
        return results.length > 0;
      },
      30_000,
    );
    const [first] = results;
    expect(first?.outputs).toHaveProperty('congestionLevel');
    expect(['loop-n', 'loop-s']).toContain(first?.sensorId);
  });

  it('stops there when the site goes dark and resumes from the central copy', async () => {
    await h.site('traffic-a').stop();
    await runner.stopCluster('traffic-a'); // the site's processes go dark with it
    await new Promise((r) => setTimeout(r, 500));
    results = [];
    await publishMinutes(10);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(results).toHaveLength(0); // nobody serves traffic-a until the failover

    await eventually(
      'a central copy process',
      () => runner.running.some((k) => k.startsWith('central-1/')),
      30_000,
    );
    await eventually(
      'inference results for traffic-a from the central copy',
      async () => {
        await publishMinutes(5);
        return results.length > 0;
      },
      30_000,
    );
    expect((await h.status('flow')).state).toMatch(/Offloaded|Degraded/);
  });
});
