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
  initializerCount: number;
  initializerBytes: number;
  nodeCount: number;
  /** Node count per operator; non-default domains are keyed "domain::OpType". */
  operatorHistogram: Record<string, number>;
  /** Estimated FLOPs for one inference with every symbolic dimension bound to 1. */
  estimatedFlops: number;
  flopsByOperator: Record<string, number>;
  /** Operators whose cost or output shape could not be estimated (their FLOPs count as 0). */
  unestimatedOperators: string[];
  /** The largest total size of activations alive at once (graph inputs and intermediates). */
  peakActivationBytes: number;
  /** initializerBytes + peakActivationBytes: the working set of one inference, excluding runtime overhead. */
  estimatedPeakMemoryBytes: number;
  externalData: ExternalDataReference[];
}
