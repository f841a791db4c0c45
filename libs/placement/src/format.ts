import type { Demand } from './fleet';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export function formatCpu(millicores: number): string {
  if (millicores % 1000 === 0) return `${millicores / 1000} CPU`;
  return millicores > 1000
    ? `${Number((millicores / 1000).toFixed(2))} CPU`
    : `${Math.round(millicores)}m CPU`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${Number((bytes / GIB).toFixed(2))} GiB`;
  if (bytes >= MIB) return `${Number((bytes / MIB).toFixed(1))} MiB`;
  return `${Math.max(0, Math.round(bytes))} B`;
}

export function formatAccelerator(name: string, count: number): string {
  return `${count} ${name}`;
}

export type Dimension = 'cpu' | 'memory' | `accelerator:${string}`;

export function dimensionsOf(demand: Demand): Dimension[] {
  const dims: Dimension[] = [];
  if (demand.cpu > 0) dims.push('cpu');
  if (demand.memory > 0) dims.push('memory');
  for (const [name] of demand.accelerators) dims.push(`accelerator:${name}`);
  return dims;
}

export function formatDimension(dim: Dimension, demand: Demand): string {
  if (dim === 'cpu') return formatCpu(demand.cpu);
  if (dim === 'memory') return `${formatBytes(demand.memory)} memory`;
  const name = dim.slice('accelerator:'.length);
  return formatAccelerator(name, demand.accelerators.find(([n]) => n === name)?.[1] ?? 0);
}
