import { modelMetadataSchema, type ModelMetadata } from '@polis/contracts';
import { buildCityModels } from '@polis/onnx';
import { decide, DEFAULT_DECISION_POLICY, planDecisions } from './decisions';

const models = new Map(buildCityModels(5).map((m) => [m.name, modelMetadataSchema.parse(m.metadata)]));
const metadata = (name: string): ModelMetadata => models.get(name)!;

describe('decisions', () => {
  it('turns a congestion class into a signal-phase extension, and "free" into none', () => {
    const rules = planDecisions(metadata('congestion-classifier'), DEFAULT_DECISION_POLICY);
    expect(rules).toHaveLength(1);
    expect(decide(rules, { congestionLevel: [2], probabilities: [0, 0, 1] })).toEqual([
      { type: 'signal-phase-extension', level: 'congested', extensionSeconds: 20 },
    ]);
    expect(decide(rules, { congestionLevel: [1] })).toEqual([
      { type: 'signal-phase-extension', level: 'slow', extensionSeconds: 10 },
    ]);
    expect(decide(rules, { congestionLevel: [0] })).toEqual([]);
  });

  it('alerts on a load forecast above the threshold only when a threshold is configured', () => {
    const load = metadata('substation-load-forecaster');
    expect(planDecisions(load, DEFAULT_DECISION_POLICY)).toEqual([]);
    const rules = planDecisions(load, { ...DEFAULT_DECISION_POLICY, loadAlertKw: 30 });
    expect(decide(rules, { activePowerKw: [31] })).toEqual([
      { type: 'load-alert', reason: 'forecast-above-threshold', forecastKw: 31, thresholdKw: 30 },
    ]);
    expect(decide(rules, { activePowerKw: [30] })).toEqual([]);
  });

  it('alerts on an anomaly flag with its score', () => {
    const rules = planDecisions(metadata('energy-anomaly-detector'), DEFAULT_DECISION_POLICY);
    expect(decide(rules, { anomaly: [1], score: [6.5], expectedKw: [20] })).toEqual([
      { type: 'load-alert', reason: 'anomaly', score: 6.5 },
    ]);
    expect(decide(rules, { anomaly: [0], score: [0.5] })).toEqual([]);
  });

  it('implies nothing for a traffic forecast', () => {
    expect(
      planDecisions(metadata('traffic-flow-forecaster'), { ...DEFAULT_DECISION_POLICY, loadAlertKw: 1 }),
    ).toEqual([]);
  });
});
