import NodeEnvironment from 'jest-environment-node';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';

/**
 * onnxruntime-node's native binding returns typed arrays created in Node's main realm, and onnxruntime-common
 * then checks them with `instanceof Float32Array` from the test's own (vm) realm, which fails under Jest's
 * default node environment. Sharing the main realm's typed-array constructors with the test realm makes both
 * sides agree; tests that run onnxruntime opt in with a `@jest-environment` docblock.
 */
const TYPED_ARRAYS = {
  Float32Array,
  Float64Array,
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
  Uint8ClampedArray,
  ArrayBuffer,
};

export default class OnnxRuntimeEnvironment extends NodeEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    Object.assign(this.global, TYPED_ARRAYS);
  }
}
