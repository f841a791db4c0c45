import type { CompiledDeployment, Fleet, Request, SiteSlot } from './fleet';
import { screenLatency, screenStatic, type Stage, type StaticScreen } from './screening';

export function mayOffload(request: Request): boolean {
  const policy = request.deployment.spec.policy;
  return policy === 'central' || policy === 'edge-preferred';
}

/**
 * Where a request may run, in order of preference, with the admissible nodes of each place. Screens depend
 * only on the deployment, the site and the target's RTT — never on load — so they are computed once per
 * (deployment, site) pair and shared by every replica and by re-queued victims.
 */
export class StageBook {
  private readonly staticScreens = new Map<number, StaticScreen>();
  private readonly edgeStages = new Map<number, Stage | undefined>();
  private readonly centralStagesCache = new Map<string, readonly Stage[]>();
  private readonly centralOrder = new Map<string, readonly SiteSlot[]>();

  constructor(private readonly fleet: Fleet) {}

  /** Edge stage (if any) then central stages. */
  stagesFor(request: Request): readonly Stage[] {
    const edge = this.edgeStage(request);
    const centrals = this.centralStages(request);
    return edge === undefined ? centrals : [edge, ...centrals];
  }

  /** The target site itself; absent under `central` policy (a central target still runs at itself). */
  edgeStage(request: Request): Stage | undefined {
    const { deployment, target } = request;
    const key = this.pairKey(deployment, target);
    if (this.edgeStages.has(key)) return this.edgeStages.get(key);
    const local = deployment.spec.policy !== 'central' || target.site.kind === 'central';
    const stage = local
      ? screenLatency(deployment, this.staticScreen(deployment, target), target, undefined)
      : undefined;
    this.edgeStages.set(key, stage);
    return stage;
  }

  /** Central sites other than the target, for `edge-preferred` and `central` policies only. */
  centralStages(request: Request): readonly Stage[] {
    if (!mayOffload(request)) return [];
    const { deployment, target } = request;
    // Central stages depend on the target only through its zone and RTT (and on the target itself when it is
    // a central site, which is excluded), so edge targets that share both share the stages.
    const key =
      target.site.kind === 'central'
        ? `${deployment.index}#${target.index}`
        : `${deployment.index}:${target.site.rttToCentralMs}:${target.site.zone}`;
    const cached = this.centralStagesCache.get(key);
    if (cached !== undefined) return cached;
    const stages = this.centralSitesFor(target.site.zone)
      .filter((central) => central !== target)
      .map((central) =>
        screenLatency(
          deployment,
          this.staticScreen(deployment, central),
          central,
          target.site.rttToCentralMs,
        ),
      );
    this.centralStagesCache.set(key, stages);
    return stages;
  }

  /** Central sites in the target's zone first, then the others, each group by id. */
  private centralSitesFor(zone: string): readonly SiteSlot[] {
    let order = this.centralOrder.get(zone);
    if (order === undefined) {
      const centrals = this.fleet.centralSites;
      order = [
        ...centrals.filter((s) => s.site.zone === zone),
        ...centrals.filter((s) => s.site.zone !== zone),
      ];
      this.centralOrder.set(zone, order);
    }
    return order;
  }

  private staticScreen(deployment: CompiledDeployment, site: SiteSlot): StaticScreen {
    const key = this.pairKey(deployment, site);
    let screen = this.staticScreens.get(key);
    if (screen === undefined) {
      screen = screenStatic(deployment, site);
      this.staticScreens.set(key, screen);
    }
    return screen;
  }

  private pairKey(deployment: CompiledDeployment, site: SiteSlot): number {
    return deployment.index * this.fleet.sites.length + site.index;
  }
}
