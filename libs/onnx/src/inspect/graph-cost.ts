import type { DataDependentEstimate } from './model-insight';
import type { TensorInfo } from './tensor-info';

export interface GraphCost {
  estimatedFlops: number;
  flopsByOperator: Record<string, number>;
  unestimatedOperators: string[];
  peakActivationBytes: number;
  /** Estimates that rest on an assumption about values only known at run time (trip counts, branches). */
  dataDependent: DataDependentEstimate[];
  /** The shapes of the graph's outputs, in order, as far as they could be inferred. */
  outputs: (TensorInfo | undefined)[];
}

/** What a subgraph sees of its enclosing graphs: their shapes and integer constants. */
export interface Scope {
  shapes: ReadonlyMap<string, TensorInfo>;
  constants: ReadonlyMap<string, number[]>;
}

export interface SubgraphBinding {
  /** The enclosing graphs' values. */
  outer: Scope;
  /** "If_3/then_branch": where the subgraph sits, for data-dependence notes. */
  path: string;
  /** Shapes fed to the subgraph's formal inputs in order (Loop and Scan bodies); declared shapes otherwise. */
  inputs?: (TensorInfo | undefined)[];
}
