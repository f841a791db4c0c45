/**
 * What the control plane and the model validator say to each other over the child-process IPC channel.
 * The control plane parses every reply with `validationReplySchema`: a validator that misbehaves (or a model
 * that corrupts its memory) must not be able to inject an arbitrary record into the registry.
 */
import { z } from 'zod';
import type { ModelInsight, OnnxSupportPolicy } from '@polis/onnx';
import { ONNX_MODEL_ERROR_CODES } from '@polis/onnx';

/** Values an operator may send for one input; element type and default shape come from the model. */
export const sampleTensorSchema = z
  .object({
    dims: z.array(z.number().int().min(1).max(1_000_000)).max(8).optional(),
    data: z
      .array(z.union([z.number().finite(), z.boolean(), z.string().max(4096)]))
      .min(1)
      .max(1_000_000),
  })
  .strict();

/** Sample input for the smoke inference: one entry per model input, keyed by input name. */
export const sampleInputSchema = z
  .record(z.string().min(1).max(128), sampleTensorSchema)
  .refine((sample) => Object.keys(sample).length > 0, 'must name at least one input');
export type SampleInput = z.infer<typeof sampleInputSchema>;
export type SampleTensor = z.infer<typeof sampleTensorSchema>;

export interface ValidationRequest {
  modelPath: string;
  sample?: SampleInput;
  /** The operator's tightening of what the runtime accepts (MODEL_DENY_*, MODEL_*_OPSET); the runtime's default when absent. */
  policy?: OnnxSupportPolicy;
}

/** Why the validator refused a model: the ONNX policy codes plus what only running it can reveal. */
export const VALIDATOR_REJECTIONS = [
  ...ONNX_MODEL_ERROR_CODES,
  'session-failed',
  'inference-failed',
  'sample-mismatch',
] as const;
export type ValidatorRejection = (typeof VALIDATOR_REJECTIONS)[number];

export interface SmokeTestOutcome {
  sessionCreated: true;
  inferenceOk: boolean;
  warning?: string;
  latencyMs: number;
}

export type ValidationReply =
  | { ok: true; insight: ModelInsight; smokeTest: SmokeTestOutcome }
  | { ok: false; reason: ValidatorRejection; message: string; issues?: { code: string; detail: string }[] };

const smokeTestSchema = z
  .object({
    sessionCreated: z.literal(true),
    inferenceOk: z.boolean(),
    warning: z.string().max(4096).optional(),
    latencyMs: z.number().nonnegative(),
  })
  .strict();

/** The insight is produced by our own parser; its shape is checked loosely here and typed by @polis/onnx. */
const insightSchema = z
  .object({
    inputs: z.array(z.object({ name: z.string() }).passthrough()),
    outputs: z.array(z.object({ name: z.string() }).passthrough()),
  })
  .passthrough();

export const validationReplySchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    insight: insightSchema.transform((insight) => insight as unknown as ModelInsight),
    smokeTest: smokeTestSchema,
  }),
  z.object({
    ok: z.literal(false),
    reason: z.enum(VALIDATOR_REJECTIONS),
    message: z.string().max(16_384),
    issues: z.array(z.object({ code: z.string(), detail: z.string() })).optional(),
  }),
]);

/** The environment variable that makes the validator misbehave on purpose; only tests set it. */
export const TEST_FAULT_VARIABLE = 'POLIS_VALIDATOR_TEST_FAULT';
