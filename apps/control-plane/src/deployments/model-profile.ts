import { z } from 'zod';
import type { ModelVersionRecord } from '@polis/contracts';
import { EXTENDED_RESOURCE } from '@polis/manifests';
import type { Accelerators, ModelProfile, Resources } from '@polis/placement';

const MIB = 1024 * 1024;

/** The two figures of the registry's graph insight placement reads; the rest of it is not needed here. */
const insightFigures = z
  .object({
    estimatedFlops: z.number().nonnegative().optional(),
    estimatedPeakMemoryBytes: z.number().nonnegative().optional(),
  })
  .passthrough();

/** What a deployment of one model version needs, as placement and the manifests take it. */
export interface ModelRequirements {
  profile: ModelProfile;
  /** Per replica, from the metadata: what a deployment that names no resources gets. */
  defaultResources: Resources;
  defaultLatencySloMs: number;
  /** Sensor kinds whose telemetry the model reads on the site it serves. */
  sensorKinds: string[];
  sha256: string;
  /** Devices one replica needs: the metadata's `accelerator` (an extended resource), one of it. */
  accelerators: Accelerators;
}

/**
 * The metadata names the device as the extended resource nodes advertise (`nvidia.com/gpu`). Any other form
 * cannot be requested from Kubernetes, so it asks for nothing (see docs/deployments.md).
 */
function declaredAccelerators(accelerator: string | undefined): Accelerators {
  return accelerator !== undefined && EXTENDED_RESOURCE.test(accelerator) ? { [accelerator]: 1 } : {};
}

/**
 * FLOPs and peak memory come from the registry's own analysis of the graph when it has them (measured, not
 * declared); otherwise from the metadata, whose memory figure includes the runtime's base and so is the
 * safe upper bound.
 */
export function modelRequirements(record: ModelVersionRecord): ModelRequirements {
  const insight = insightFigures.safeParse(record.insight);
  const figures = insight.success ? insight.data : {};
  const { resources } = record.metadata;
  const declaredMemory = resources.memoryMiB * MIB;
  return {
    profile: {
      flopsPerInference: figures.estimatedFlops ?? resources.estimatedFlops ?? 0,
      peakMemoryBytes: figures.estimatedPeakMemoryBytes ?? declaredMemory,
    },
    defaultResources: { cpuMillicores: resources.cpuMillicores, memoryBytes: declaredMemory },
    defaultLatencySloMs: record.metadata.latencySloMs,
    sensorKinds: [...new Set(record.metadata.telemetry.map((t) => t.sensorKind))],
    sha256: record.sha256,
    accelerators: declaredAccelerators(resources.accelerator),
  };
}

/** Two versions of a deployment may run at once during a rollout: plan for the larger of their needs. */
export function largerProfile(a: ModelProfile, b: ModelProfile): ModelProfile {
  return {
    flopsPerInference: Math.max(a.flopsPerInference, b.flopsPerInference),
    peakMemoryBytes: Math.max(a.peakMemoryBytes, b.peakMemoryBytes),
  };
}
