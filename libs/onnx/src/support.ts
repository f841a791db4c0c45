/**
 * Which models the registry accepts. The default is what the pinned onnxruntime-node (1.22.0) CPU execution
 * provider loads and runs: the validator proves that for each model by creating a session and running one
 * inference, so the default denies nothing statically. An operator can tighten it (deny operators or whole
 * domains, narrow the opset range); these checks run before the model is loaded.
 */
export interface OnnxSupportPolicy {
  /** Default-domain ("" or "ai.onnx") opset versions accepted, inclusive. */
  minOpset: number;
  maxOpset: number;
  /** Operators refused, as histogram keys: "Loop" for the default domain, "com.microsoft::Attention" otherwise. */
  deniedOperators: readonly string[];
  /** Operator domains refused entirely, e.g. "com.microsoft". */
  deniedDomains: readonly string[];
  /** Whether tensors stored outside the model file are accepted (Polis ships one file per model). */
  allowExternalData: boolean;
}

/**
 * The default-domain opsets onnxruntime-node 1.22.0 loads: it refuses opset 23 and above at load time; at
 * opsets 1..5 it loads the model, but only operators whose kernels go back that far run (Relu needs 6).
 * test/onnx/runtime-policy.e2e-spec.ts checks both ends against the runtime.
 */
export const ORT_OPSET_RANGE = { min: 1, max: 22 } as const;

export const DEFAULT_ONNX_SUPPORT: OnnxSupportPolicy = {
  minOpset: ORT_OPSET_RANGE.min,
  maxOpset: ORT_OPSET_RANGE.max,
  deniedOperators: [],
  deniedDomains: [],
  allowExternalData: false,
};

/** The default ONNX domain is spelled "" or "ai.onnx". */
export function isDefaultDomain(domain: string | undefined): boolean {
  return domain === undefined || domain === '' || domain === 'ai.onnx';
}

/** How operators are named in histograms and policies: "Loop", or "com.microsoft::Attention" outside the default domain. */
export function operatorKey(domain: string | undefined, opType: string): string {
  return isDefaultDomain(domain) ? opType : `${domain}::${opType}`;
}

/** "Loop" -> { domain: "", opType: "Loop" }; "com.microsoft::Attention" -> its domain and operator. */
export function splitOperatorKey(key: string): { domain: string; opType: string } {
  const at = key.lastIndexOf('::');
  return at < 0 ? { domain: '', opType: key } : { domain: key.slice(0, at), opType: key.slice(at + 2) };
}
