import type { NodeView } from './node-view';
import type { TensorInfo } from './tensor-info';

/** What one node produces and what it costs (FLOPs per inference, a multiply-add counting as 2). */
export interface RuleResult {
  outputs: (TensorInfo | undefined)[];
  flops: number;
}

export interface RuleContext {
  node: NodeView;
  inputs: (TensorInfo | undefined)[];
  /** Integer values of constant tensors (initializers, Constant nodes), for Reshape/Unsqueeze/Reduce inputs. */
  constantInts: (name: string | undefined) => number[] | undefined;
}

export type Rule = (ctx: RuleContext) => RuleResult | undefined;
