/** Terse builders for specs: sensible defaults, override only what a test is about. */
import type { DeploymentSpec, FleetNode, Site } from '../model';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

type NodeOverrides = Partial<Omit<FleetNode, 'allocatable'>> & {
  cpu?: number;
  memory?: number;
  accelerators?: Record<string, number>;
};

export function node(name: string, overrides: NodeOverrides = {}): FleetNode {
  const { cpu = 4000, memory = 8 * GiB, accelerators, ...rest } = overrides;
  return {
    name,
    allocatable: { cpuMillicores: cpu, memoryBytes: memory, ...(accelerators ? { accelerators } : {}) },
    requested: { cpuMillicores: 0, memoryBytes: 0 },
    labels: {},
    taints: [],
    ready: true,
    cpuGflops: 100,
    ...rest,
  };
}

export function site(id: string, overrides: Partial<Site> = {}): Site {
  return {
    id,
    kind: 'traffic',
    zone: 'north',
    labels: {},
    health: 'healthy',
    rttToCentralMs: 10,
    nodes: [node(`${id}-n1`)],
    ...overrides,
  };
}

export function centralSite(id: string, overrides: Partial<Site> = {}): Site {
  return site(id, {
    kind: 'central',
    rttToCentralMs: 0,
    nodes: [node(`${id}-n1`, { cpu: 64000, memory: 256 * GiB })],
    ...overrides,
  });
}

type DeploymentOverrides = Partial<Omit<DeploymentSpec, 'resources'>> & {
  cpu?: number;
  memory?: number;
  accelerators?: Record<string, number>;
};

export function deployment(id: string, overrides: DeploymentOverrides = {}): DeploymentSpec {
  const { cpu = 1000, memory = 1 * GiB, accelerators, ...rest } = overrides;
  return {
    id,
    model: { name: `${id}-model`, version: '1' },
    profile: { flopsPerInference: 1e9, peakMemoryBytes: 512 * MiB },
    targets: {},
    replicasPerSite: 1,
    resources: { cpuMillicores: cpu, memoryBytes: memory, ...(accelerators ? { accelerators } : {}) },
    latencySloMs: 100,
    priority: 0,
    policy: 'edge-only',
    strategy: 'spread',
    ...rest,
  };
}
