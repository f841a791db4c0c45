import type { NodeInventory } from '@polis/kube';
import { buildInventory, type SiteSnapshot } from './fleet-inventory';

const GiB = 1024 ** 3;

function node(name: string, overrides: Partial<NodeInventory> = {}): NodeInventory {
  return {
    name,
    ready: true,
    schedulable: true,
    architecture: 'amd64',
    labels: { 'polis.city/site': 'a' },
    taints: [],
    allocatable: {
      cpuMillicores: 4000,
      memoryBytes: 8 * GiB,
      pods: 110,
      accelerators: { 'nvidia.com/gpu': 1 },
    },
    requested: { cpuMillicores: 1500, memoryBytes: 3 * GiB, pods: 5, accelerators: { 'nvidia.com/gpu': 1 } },
    ...overrides,
  };
}

function snapshot(overrides: Partial<SiteSnapshot> = {}): SiteSnapshot {
  return {
    id: 'a',
    kind: 'traffic',
    zone: 'north',
    labels: {},
    state: 'ready',
    nodes: [node('a-0')],
    lost: false,
    polisRequested: new Map(),
    ...overrides,
  };
}

describe(buildInventory.name, () => {
  it("counts as others' requests only what Polis did not put on the node", () => {
    const inventory = buildInventory(
      [
        snapshot({
          polisRequested: new Map([
            ['a-0', { cpuMillicores: 1000, memoryBytes: 2 * GiB, accelerators: { 'nvidia.com/gpu': 1 } }],
          ]),
        }),
      ],
      { defaultRttToCentralMs: 10 },
    );
    expect(inventory.sites[0].nodes[0].requested).toEqual({
      cpuMillicores: 500,
      memoryBytes: GiB,
      accelerators: { 'nvidia.com/gpu': 0 },
    });
  });

  it('maps health: lost is unreachable, anything short of ready is degraded', () => {
    const health = (overrides: Partial<SiteSnapshot>) =>
      buildInventory([snapshot(overrides)], { defaultRttToCentralMs: 10 }).sites[0].health;
    expect(health({})).toBe('healthy');
    expect(health({ state: 'unreachable' })).toBe('degraded');
    expect(health({ state: 'unreachable', lost: true })).toBe('unreachable');
  });

  it('takes the RTT from the site label, else the default; 0 at central; GFLOPS from a node label', () => {
    const inventory = buildInventory(
      [
        snapshot({ id: 'a', labels: { 'polis.city/rtt-ms': '25' } }),
        snapshot({
          id: 'b',
          labels: { 'polis.city/rtt-ms': 'fast' },
          nodes: [node('b-0', { labels: { 'polis.city/cpu-gflops': '55.5' } })],
        }),
        snapshot({ id: 'c', kind: 'central', labels: { 'polis.city/rtt-ms': '25' } }),
      ],
      { defaultRttToCentralMs: 10 },
    );
    expect(inventory.sites.map((s) => s.rttToCentralMs)).toEqual([25, 10, 0]);
    expect(inventory.sites[1].nodes[0].cpuGflops).toBe(55.5);
    expect(inventory.sites[0].nodes[0].cpuGflops).toBeUndefined();
  });

  it('treats a cordoned node as not ready and drops taints placement does not know', () => {
    const [site] = buildInventory(
      [
        snapshot({
          nodes: [
            node('a-0', {
              schedulable: false,
              taints: [
                { key: 'gpu', effect: 'NoSchedule' },
                { key: 'odd', effect: 'Sometimes' },
              ],
            }),
          ],
        }),
      ],
      { defaultRttToCentralMs: 10 },
    ).sites;
    expect(site.nodes[0].ready).toBe(false);
    expect(site.nodes[0].taints).toEqual([{ key: 'gpu', value: undefined, effect: 'NoSchedule' }]);
  });
});
