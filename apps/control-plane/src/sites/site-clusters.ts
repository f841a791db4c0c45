import type { OnApplicationShutdown } from '@nestjs/common';
import { ClusterPool, type ClusterPoolOptions } from '@polis/kube';
import { PolisError } from '../common';
import { describeFailure } from './site-status';
import type { NodeLabels } from './site-zone';

/** The control plane's pool of cluster clients, one per site, closed on shutdown. */
export class SiteClusters extends ClusterPool implements OnApplicationShutdown {
  constructor(
    options: ClusterPoolOptions,
    private readonly probeTimeoutMs: number,
  ) {
    super(options);
  }

  /**
   * Checks a kubeconfig before it is accepted: it parses, the cluster answers /version, and the
   * credentials may list nodes, each request within the probe timeout. Throws PolisError
   * invalid-input (400) whose details.problem says which.
   */
  async probe(
    siteId: string,
    kubeconfig: string,
  ): Promise<{ kubernetesVersion: string; nodes: NodeLabels[] }> {
    let client;
    try {
      client = this.create(siteId, kubeconfig, {
        requestTimeoutMs: this.probeTimeoutMs,
        retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 500 },
      });
      const version = await client.version();
      const nodes = await client.nodes();
      return {
        kubernetesVersion: version.gitVersion,
        nodes: nodes.map((node) => ({ name: node.metadata?.name ?? '', labels: node.metadata?.labels })),
      };
    } catch (error) {
      const { problem, reason } = describeFailure(error);
      throw new PolisError('invalid-input', `site "${siteId}": ${reason}`, { problem });
    } finally {
      await client?.close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
