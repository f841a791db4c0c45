import { Injectable } from '@nestjs/common';
import { ModelRegistry } from '../models';
import { modelRequirements, type ModelRequirements } from './model-profile';

/**
 * What each model version needs, read from the registry once: versions are immutable, so a record found
 * is never read again. A version not found is asked for again on the next pass. A registry that cannot
 * be read throws: the pass is abandoned rather than run as if the model were gone (which would prune it).
 */
@Injectable()
export class ModelCatalog {
  private readonly known = new Map<string, ModelRequirements>();

  constructor(private readonly registry: ModelRegistry) {}

  async load(wanted: readonly { name: string; version: string }[]): Promise<void> {
    for (const { name, version } of wanted) {
      const key = `${name}@${version}`;
      if (this.known.has(key)) continue;
      const record = await this.registry.find(name, version);
      if (record) this.known.set(key, modelRequirements(record));
    }
  }

  requirements(name: string, version: string): ModelRequirements | undefined {
    return this.known.get(`${name}@${version}`);
  }

  /** Whether a version is published (read through to the registry). */
  async exists(name: string, version: string): Promise<boolean> {
    await this.load([{ name, version }]);
    return this.known.has(`${name}@${version}`);
  }
}
