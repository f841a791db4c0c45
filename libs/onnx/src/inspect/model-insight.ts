import type { ElementType } from '../proto/element-types';

/** A declared dimension: a size, a symbolic name (e.g. "batch") or "?" when the model leaves it unknown. */
export type Dim = number | string;

export type ValueKind = 'tensor' | 'sequence' | 'map' | 'optional' | 'sparse-tensor' | 'unknown';

export interface ValueSignature {
  name: string;
  kind: ValueKind;
  /** Undefined for non-tensors and for element types this reader does not know. */
  elementType?: ElementType;
  /** Undefined when the model declares no shape (unknown rank). */
  shape?: Dim[];
}

export interface OpsetImport {
  domain: string;
  version: number;
}

export interface ExternalDataReference {
  tensor: string;
  location: string;
  offset?: number;
  length?: number;
}

/** An estimate that rests on values only known at run time: a loop's trip count, the branch an If takes. */
export interface DataDependentEstimate {
  /** Where the node sits: "If_0/then_branch/Loop_3". */
  node: string;
  opType: string;
  /** What was assumed, with the bound used ("counted as the costlier then_branch ..., an upper bound"). */
  assumption: string;
}

/** What the scheduler needs to know about a model, read without running it. */
export interface ModelInsight {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  graphName: string;
  /** ModelProto.metadata_props as a record. */
  metadata: Record<string, string>;
  /** Graph inputs that must be fed (initializers listed as inputs are excluded). */
  inputs: ValueSignature[];
  outputs: ValueSignature[];
  /** Initializers of the main graph and of every subgraph. */
  initializerCount: number;
  initializerBytes: number;
  /** Nodes of the main graph and of every subgraph (If branches, Loop and Scan bodies), at any depth. */
  nodeCount: number;
  /** Graphs nested in nodes' attributes, at any depth. */
  subgraphCount: number;
  /** Node count per operator, subgraphs included; non-default domains are keyed "domain::OpType". */
  operatorHistogram: Record<string, number>;
  /**
   * Estimated FLOPs for one inference with every symbolic dimension bound to 1, subgraphs included (a loop
   * body times its trip count; the costlier branch of an If whose condition is not a constant).
   */
  estimatedFlops: number;
  flopsByOperator: Record<string, number>;
  /** Operators whose cost or output shape could not be estimated (their FLOPs count as 0). */
  unestimatedOperators: string[];
  /** The largest total size of activations alive at once (graph inputs and intermediates). */
  peakActivationBytes: number;
  /** initializerBytes + peakActivationBytes: the working set of one inference, excluding runtime overhead. */
  estimatedPeakMemoryBytes: number;
  /** The concrete input dims the estimates were computed for: declared dims with symbolic ones as 1, or a sample's. */
  estimatedFor: Record<string, number[]>;
  /** The assumptions behind estimates that depend on run-time values, each with the bound it used. */
  dataDependentEstimates: DataDependentEstimate[];
  externalData: ExternalDataReference[];
}
