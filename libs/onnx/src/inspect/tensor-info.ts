import type { ElementType } from '../proto/element-types';

/** A tensor whose shape is fully known (symbolic dims already bound to a concrete size). */
export interface TensorInfo {
  type: ElementType;
  dims: number[];
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}

/** Numpy-style multidirectional broadcasting; undefined when the shapes are incompatible. */
export function broadcastDims(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    let size = 1;
    for (const shape of shapes) {
      const d = shape[shape.length - rank + axis] ?? 1;
      if (d === 1) continue;
      if (size !== 1 && size !== d) return undefined;
      size = d;
    }
    out.push(size);
  }
  return out;
}

/** Resolves a possibly negative axis against a rank. */
export function normaliseAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
