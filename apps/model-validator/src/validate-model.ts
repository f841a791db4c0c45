import { readFile } from 'node:fs/promises';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import {
  DEFAULT_ONNX_SUPPORT,
  OnnxModelError,
  describeModel,
  findSupportIssues,
  type ModelInsight,
  type OnnxSupportPolicy,
} from '@polis/onnx';
import { type Feed, SampleMismatchError, sampleFeeds, zeroFeeds } from './feeds';
import type { ValidationReply, ValidationRequest } from './protocol';

/** Called right before onnxruntime loads the model: the point where a hostile model would hang or crash. */
export type BeforeSession = () => void;

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}

function toTensor(feed: Feed): Tensor {
  return new Tensor(feed.type, feed.data, feed.dims);
}

function reject(
  reason: Extract<ValidationReply, { ok: false }>['reason'],
  message: string,
): Extract<ValidationReply, { ok: false }> {
  return { ok: false, reason, message };
}

function inspect(bytes: Uint8Array, policy: OnnxSupportPolicy): ModelInsight | ValidationReply {
  let insight: ModelInsight;
  try {
    insight = describeModel(bytes);
  } catch (error) {
    if (error instanceof OnnxModelError) return reject(error.code, error.message);
    throw error;
  }
  const issues = findSupportIssues(insight, policy);
  if (issues.length === 0) return insight;
  return { ...reject(issues[0].code, issues.map((i) => i.detail).join('; ')), issues };
}

/**
 * The runtime is the authority on operators and opsets: its refusal to load a model for one of those reasons
 * gets the same code as a policy refusal, with the runtime's own words.
 */
export function sessionRejection(raw: string): Extract<ValidationReply, { ok: false }> {
  // Drop the C++ source location and function signature some runtime errors start with.
  const message = raw.replace(/^\/onnxruntime_src\/\S+ .*?\) (?=[A-Z])/, '');
  if (
    /Could not find an implementation for|No Op registered for|is not a registered function\/op/.test(raw)
  ) {
    return reject('unsupported-operator', `onnxruntime has no CPU kernel for an operator: ${message}`);
  }
  if (
    /ValidateOpsetForDomain|opset.*(is not supported|is under development)|No opset import for domain/i.test(
      raw,
    )
  ) {
    return reject('unsupported-opset', `onnxruntime does not support an opset of the model: ${message}`);
  }
  return reject('session-failed', `onnxruntime cannot load the model: ${message}`);
}

async function smokeInference(
  session: InferenceSession,
  feeds: Feed[],
): Promise<{ latencyMs: number; error?: string }> {
  const started = performance.now();
  try {
    await session.run(Object.fromEntries(feeds.map((f) => [f.name, toTensor(f)])));
    return { latencyMs: performance.now() - started };
  } catch (error) {
    return { latencyMs: performance.now() - started, error: messageOf(error) };
  }
}

/**
 * Parses the model and checks it against the runtime policy, then loads it into onnxruntime and runs one
 * inference: on the operator's sample when there is one (which must succeed), otherwise on zeros of the
 * declared shapes (whose failure is only a warning: zeros are not always meaningful input).
 */
export async function validateModel(
  request: ValidationRequest,
  beforeSession: BeforeSession = () => {},
): Promise<ValidationReply> {
  const bytes = await readFile(request.modelPath);
  const inspected = inspect(bytes, request.policy ?? DEFAULT_ONNX_SUPPORT);
  if ('ok' in inspected) return inspected;
  let insight = inspected;

  let feeds: Feed[];
  try {
    feeds = request.sample ? sampleFeeds(insight.inputs, request.sample) : zeroFeeds(insight.inputs);
  } catch (error) {
    if (error instanceof SampleMismatchError) return reject('sample-mismatch', error.message);
    throw error;
  }
  // The operator's sample says what real input looks like: estimate the cost for its shapes, not for dims of 1.
  if (request.sample) {
    insight = describeModel(bytes, { inputShapes: Object.fromEntries(feeds.map((f) => [f.name, f.dims])) });
  }

  beforeSession();
  let session: InferenceSession;
  try {
    // Failures come back in the reply; onnxruntime's own log would only repeat them on stderr.
    session = await InferenceSession.create(bytes, { logSeverityLevel: 4 });
  } catch (error) {
    return sessionRejection(messageOf(error));
  }
  try {
    const run = await smokeInference(session, feeds);
    const latencyMs = Math.round(run.latencyMs * 1000) / 1000;
    if (!run.error)
      return { ok: true, insight, smokeTest: { sessionCreated: true, inferenceOk: true, latencyMs } };
    if (request.sample)
      return reject('inference-failed', `inference on the sample input failed: ${run.error}`);
    const warning = `inference on zero-filled inputs failed: ${run.error}`;
    return { ok: true, insight, smokeTest: { sessionCreated: true, inferenceOk: false, warning, latencyMs } };
  } finally {
    await session.release();
  }
}
