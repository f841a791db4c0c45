import type { KubeObject } from '@polis/kube-emulator';
import { isPolisPod, resolvePodEnv } from './pod-env';

const pod = (container: object, labels: Record<string, string> = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'runner-abc', namespace: 'polis-models', labels },
    spec: { nodeName: 'traffic-01-node-01', containers: [container] },
  }) as KubeObject;

const configMaps: Record<string, KubeObject> = {
  'runner-config': {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'runner-config' },
    data: { A: '1', B: '2' },
  },
};

describe(resolvePodEnv.name, () => {
  it('takes envFrom ConfigMaps, then env values and downward-API fields, env winning', () => {
    const result = resolvePodEnv(
      pod({
        envFrom: [{ configMapRef: { name: 'runner-config' } }],
        env: [
          { name: 'B', value: 'override' },
          { name: 'POLIS_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POLIS_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        ],
      }),
      (name) => configMaps[name],
    );
    expect(result).toEqual({
      ok: true,
      env: { A: '1', B: 'override', POLIS_POD_NAME: 'runner-abc', POLIS_NODE_NAME: 'traffic-01-node-01' },
    });
  });

  it('refuses a pod whose required ConfigMap is missing, as a kubelet would', () => {
    const result = resolvePodEnv(pod({ envFrom: [{ configMapRef: { name: 'gone' } }] }), () => undefined);
    expect(result).toEqual({ ok: false, reason: 'configmap "gone" not found' });
  });

  it('skips an optional ConfigMap that is missing', () => {
    const result = resolvePodEnv(
      pod({ envFrom: [{ configMapRef: { name: 'gone', optional: true } }] }),
      () => undefined,
    );
    expect(result).toEqual({ ok: true, env: {} });
  });
});

describe(isPolisPod.name, () => {
  it('recognises pods by the Polis ownership label only', () => {
    expect(isPolisPod(pod({}, { 'app.kubernetes.io/managed-by': 'polis' }))).toBe(true);
    expect(isPolisPod(pod({}, { 'app.kubernetes.io/managed-by': 'helm' }))).toBe(false);
  });
});
