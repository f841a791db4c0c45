import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config';
import { DeploymentEvents } from './deployment-events';
import { ReconcileTriggers } from './reconcile-triggers';
import { DeploymentReconciler, type PassResult } from './reconcile.service';
import { servingChanges, servingOf, type Serving } from './serving-changes';
import { StatusBoard } from './status-board';

/** Time-driven steps (canary analysis, progress deadlines) are checked at least this often. */
const TICK_MS = 1_000;

/**
 * Runs reconcile passes: one at a time, after the debounce period following a trigger (everything that
 * arrives meanwhile is folded into the same pass), on a tick for what depends only on time, and exactly
 * when a site in trouble reaches the end of its grace period.
 */
@Injectable()
export class ReconcileLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReconcileLoop.name);
  private subscription?: Subscription;
  private debounce?: NodeJS.Timeout;
  private lossTimer?: NodeJS.Timeout;
  private ticker?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  /** How each (deployment, target site) was served by the last plan: failovers and returns are changes of it. */
  private serving = new Map<string, Serving>();
  private readonly failures: Record<'pass' | 'plan', string | undefined> = {
    pass: undefined,
    plan: undefined,
  };

  constructor(
    private readonly reconciler: DeploymentReconciler,
    private readonly triggers: ReconcileTriggers,
    private readonly board: StatusBoard,
    private readonly events: DeploymentEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Not before every module is initialised: a pass with the deployments or sites not loaded yet would
   * want nothing anywhere, and prune what runs.
   */
  onApplicationBootstrap(): void {
    this.subscription = this.triggers.changes$.subscribe(() => this.request());
    this.ticker = setInterval(
      () => this.request(),
      Math.max(TICK_MS, this.config.deployments.replanDebounceMs),
    );
    this.ticker.unref();
    this.request();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounce);
    clearTimeout(this.lossTimer);
    clearInterval(this.ticker);
    this.subscription?.unsubscribe();
    await this.running;
  }

  /** Asks for a pass after the debounce period. */
  request(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.run();
    }, this.config.deployments.replanDebounceMs);
  }

  /** Runs a pass now, or once more right after the one in progress; resolves when done. */
  async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const now = Date.now();
        try {
          this.publish(await this.reconciler.pass(now));
        } catch (error) {
          this.logger.error({ event: 'reconcile-pass-failed', error: String(error) });
          this.failing('pass', String(error));
        }
        this.scheduleLossCheck(now);
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private publish({ outcome, statuses }: PassResult): void {
    if (outcome.replanned) {
      const { stats } = outcome.plan;
      this.events.emit({
        type: 'planned',
        trigger: outcome.trigger,
        placed: stats.placed,
        offloaded: stats.offloaded,
        unplaced: stats.unplaced,
        moved: outcome.moved,
      });
      const serving = servingOf(outcome.plan, outcome.lostSites);
      for (const change of servingChanges(this.serving, serving, (id, site) =>
        this.reconciler.servingVersion(id, site),
      ))
        this.events.emit(change);
      this.serving = serving;
    }
    this.failing('plan', outcome.error);
    this.failing('pass', undefined);
    for (const { record, status } of statuses) this.board.publish(record, status);
    this.board.retain(new Set(statuses.map((s) => s.record.spec.id)));
  }

  /** Announces a failure when it starts or its message changes, not on every pass it lasts. */
  private failing(stage: 'pass' | 'plan', error: string | undefined): void {
    if (this.failures[stage] === error) return;
    this.failures[stage] = error;
    if (error !== undefined) this.events.emit({ type: 'reconcile-failed', stage, error });
  }

  private scheduleLossCheck(now: number): void {
    clearTimeout(this.lossTimer);
    const at = this.reconciler.nextLossAt(now);
    if (at === undefined || this.stopped) return;
    this.lossTimer = setTimeout(() => void this.run(), Math.max(0, at - now) + 1);
    this.lossTimer.unref();
  }
}
