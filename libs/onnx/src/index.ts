export * from './errors';
export * from './support';
export { ELEMENT_TYPES, type ElementType } from './proto/element-types';
export type * from './inspect/model-insight';
export {
  describeModel,
  findSupportIssues,
  inspectModel,
  type DescribeOptions,
  type SupportIssue,
} from './inspect/inspect-model';
export * from './build/graph-builder';
export * from './train/matrix';
export * from './train/random';
export * from './train/standardizer';
export * from './train/dense-network';
export * from './train/gradient-training';
export * from './train/fit';
export * from './train/export-onnx';
export * from './city-models';
