import type { ModelMetadata } from '@polis/contracts';

/** What the site does about an inference. Published on the decision subject with its envelope. */
export type DecisionAction =
  | { type: 'signal-phase-extension'; level: string; extensionSeconds: number }
  | { type: 'load-alert'; reason: 'forecast-above-threshold'; forecastKw: number; thresholdKw: number }
  | { type: 'load-alert'; reason: 'anomaly'; score?: number };

export interface Decision {
  ts: number;
  siteId: string;
  sensorId: string;
  modelName: string;
  modelVersion: string;
  action: DecisionAction;
}

export interface DecisionPolicy {
  /** Green-phase extension per congestion label; labels not listed (e.g. "free") extend nothing. */
  phaseExtensionSeconds: Readonly<Record<string, number>>;
  /** A load forecast above this raises an alert; undefined turns forecast alerts off. */
  loadAlertKw?: number;
}

export const DEFAULT_DECISION_POLICY: DecisionPolicy = { phaseExtensionSeconds: { slow: 10, congested: 20 } };

export type DecisionRule =
  | {
      kind: 'phase-extension';
      output: string;
      labels: readonly string[];
      extensionSeconds: Readonly<Record<string, number>>;
    }
  | { kind: 'load-threshold'; output: string; thresholdKw: number }
  | { kind: 'anomaly-flag'; output: string; scoreOutput?: string };

/** Which outputs of a model imply a decision, from its task and output ports. */
export function planDecisions(metadata: ModelMetadata, policy: DecisionPolicy): DecisionRule[] {
  const rules: DecisionRule[] = [];
  for (const output of metadata.outputs) {
    switch (metadata.task) {
      case 'classification':
        // The class index output (int64 with labels) names the level; probabilities do not.
        if (
          output.elementType === 'int64' &&
          output.labels?.some((label) => policy.phaseExtensionSeconds[label] !== undefined)
        ) {
          rules.push({
            kind: 'phase-extension',
            output: output.name,
            labels: output.labels,
            extensionSeconds: policy.phaseExtensionSeconds,
          });
        }
        break;
      case 'forecast':
        if (output.unit === 'kW' && policy.loadAlertKw !== undefined) {
          rules.push({ kind: 'load-threshold', output: output.name, thresholdKw: policy.loadAlertKw });
        }
        break;
      case 'anomaly-detection':
        if (output.elementType === 'bool') {
          const score = metadata.outputs.find((o) => o.name === 'score' && o.elementType === 'float32');
          rules.push({ kind: 'anomaly-flag', output: output.name, scoreOutput: score?.name });
        }
        break;
      case 'regression':
      case 'other':
        break;
    }
  }
  return rules;
}

/** The actions one inference's outputs call for (at most one per rule). */
export function decide(
  rules: readonly DecisionRule[],
  outputs: Readonly<Record<string, number[]>>,
): DecisionAction[] {
  const actions: DecisionAction[] = [];
  for (const rule of rules) {
    const value = outputs[rule.output]?.[0];
    if (value === undefined) continue;
    switch (rule.kind) {
      case 'phase-extension': {
        const level = rule.labels[value];
        const extensionSeconds = level === undefined ? undefined : rule.extensionSeconds[level];
        if (level !== undefined && extensionSeconds !== undefined && extensionSeconds > 0) {
          actions.push({ type: 'signal-phase-extension', level, extensionSeconds });
        }
        break;
      }
      case 'load-threshold':
        if (value > rule.thresholdKw) {
          actions.push({
            type: 'load-alert',
            reason: 'forecast-above-threshold',
            forecastKw: value,
            thresholdKw: rule.thresholdKw,
          });
        }
        break;
      case 'anomaly-flag':
        if (value !== 0) {
          const score = rule.scoreOutput === undefined ? undefined : outputs[rule.scoreOutput]?.[0];
          actions.push({ type: 'load-alert', reason: 'anomaly', ...(score === undefined ? {} : { score }) });
        }
        break;
    }
  }
  return actions;
}
