import type { Demand, NodeSlot } from './fleet';

/** Resources a set of evicted replicas would hand back, used to test a preemption before doing it. */
export interface Freed {
  cpu: number;
  memory: number;
  readonly accelerators: Map<string, number>;
}

export function emptyFreed(): Freed {
  return { cpu: 0, memory: 0, accelerators: new Map() };
}

export function addToFreed(freed: Freed, demand: Demand, sign: 1 | -1 = 1): void {
  freed.cpu += sign * demand.cpu;
  freed.memory += sign * demand.memory;
  for (const [name, count] of demand.accelerators) {
    freed.accelerators.set(name, (freed.accelerators.get(name) ?? 0) + sign * count);
  }
}

/** Never over-commit: every dimension must fit in what is free now (plus what an eviction would free). */
export function fits(slot: NodeSlot, demand: Demand, freed?: Freed): boolean {
  if (demand.cpu > slot.freeCpu + (freed?.cpu ?? 0)) return false;
  if (demand.memory > slot.freeMemory + (freed?.memory ?? 0)) return false;
  for (const [name, count] of demand.accelerators) {
    const free = (slot.freeAccelerators.get(name) ?? 0) + (freed?.accelerators.get(name) ?? 0);
    if (count > free) return false;
  }
  return true;
}

export function reserve(slot: NodeSlot, demand: Demand): void {
  slot.freeCpu -= demand.cpu;
  slot.freeMemory -= demand.memory;
  for (const [name, count] of demand.accelerators) {
    slot.freeAccelerators.set(name, (slot.freeAccelerators.get(name) ?? 0) - count);
  }
}

export function release(slot: NodeSlot, demand: Demand): void {
  slot.freeCpu += demand.cpu;
  slot.freeMemory += demand.memory;
  for (const [name, count] of demand.accelerators) {
    slot.freeAccelerators.set(name, (slot.freeAccelerators.get(name) ?? 0) + count);
  }
}

/**
 * Utilisation after adding `demand`: mean of the CPU and memory fractions in use (non-Polis included).
 * Spread picks the lowest, pack the highest.
 */
export function loadAfter(slot: NodeSlot, demand: Demand): number {
  const cpu = slot.capacityCpu > 0 ? (slot.capacityCpu - slot.freeCpu + demand.cpu) / slot.capacityCpu : 1;
  const memory =
    slot.capacityMemory > 0
      ? (slot.capacityMemory - slot.freeMemory + demand.memory) / slot.capacityMemory
      : 1;
  return (cpu + memory) / 2;
}
