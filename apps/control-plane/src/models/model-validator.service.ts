import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import {
  TEST_FAULT_VARIABLE,
  type ValidationReply,
  type ValidationRequest,
  validationReplySchema,
} from '../../../model-validator/src/protocol';
import { ConcurrencyLimit } from './concurrency-limit';
import { ModelRejection } from './model-rejection';
import { resolveValidatorLaunch, type ValidatorLaunch } from './validator-launch';

export type AcceptedModel = Extract<ValidationReply, { ok: true }>;

type RunOutcome =
  | { kind: 'reply'; reply: ValidationReply }
  | { kind: 'timeout' }
  | { kind: 'died'; code: number | null; signal: NodeJS.Signals | null; stderr: string }
  | { kind: 'bad-reply'; problem: string };

const STDERR_TAIL_CHARS = 4096;
/** A validator that replied but does not exit by itself is killed after this grace period. */
const EXIT_GRACE_MS = 5_000;

interface RunOptions {
  timeoutMs: number;
  env: Record<string, string>;
  /** Every live child process, so that shutdown can kill those still running. */
  children: Set<ChildProcess>;
}

function runOnce(
  launch: ValidatorLaunch,
  request: ValidationRequest,
  { timeoutMs, env, children }: RunOptions,
) {
  return new Promise<RunOutcome>((resolve) => {
    // A minimal environment: the model under test has no business seeing the control plane's settings.
    const child = fork(launch.modulePath, [], {
      execArgv: launch.execArgv,
      cwd: launch.cwd,
      env: { ...launch.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    let stderr = '';
    let settled = false;
    const settle = (outcome: RunOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) {
        setTimeout(() => child.kill('SIGKILL'), outcome.kind === 'reply' ? EXIT_GRACE_MS : 0).unref();
      }
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
    child.stderr?.on(
      'data',
      (data: Buffer) => (stderr = (stderr + data.toString()).slice(-STDERR_TAIL_CHARS)),
    );
    child.on('message', (message) => {
      const parsed = validationReplySchema.safeParse(message);
      settle(
        parsed.success
          ? { kind: 'reply', reply: parsed.data }
          : { kind: 'bad-reply', problem: parsed.error.message },
      );
    });
    child.on('error', (error) => settle({ kind: 'died', code: null, signal: null, stderr: error.message }));
    child.on('exit', (code, signal) => settle({ kind: 'died', code, signal, stderr }));
    child.send(request);
  });
}

/**
 * Runs the model validator (apps/model-validator) in a child process per upload: onnxruntime parses and runs
 * arbitrary operator-supplied graphs, and native code that hangs or crashes must not take the control plane
 * with it. At most MODEL_VALIDATION_CONCURRENCY validators run at once; each is killed at its time limit.
 */
@Injectable()
export class ModelValidator implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelValidator.name);
  private readonly slots: ConcurrencyLimit;
  private readonly children = new Set<ChildProcess>();
  private launch?: ValidatorLaunch;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.slots = new ConcurrencyLimit(config.models.validationConcurrency);
  }

  /** Resolves with the accepted model, or throws a ModelRejection saying why it was refused. */
  async validate(request: ValidationRequest): Promise<AcceptedModel> {
    this.launch ??= resolveValidatorLaunch({ codeDir: __dirname, exists: existsSync });
    const launch = this.launch;
    const { validationTimeoutMs, validatorTestFault } = this.config.models;
    const env: Record<string, string> = validatorTestFault
      ? { [TEST_FAULT_VARIABLE]: validatorTestFault }
      : {};
    const options = { timeoutMs: validationTimeoutMs, env, children: this.children };
    const withPolicy: ValidationRequest = { ...request, policy: this.config.models.policy };
    const outcome = await this.slots.run(() => runOnce(launch, withPolicy, options));
    return this.judge(outcome, validationTimeoutMs);
  }

  onApplicationShutdown(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }

  private judge(outcome: RunOutcome, timeoutMs: number): AcceptedModel {
    switch (outcome.kind) {
      case 'reply':
        if (outcome.reply.ok) return outcome.reply;
        throw new ModelRejection(outcome.reply.reason, outcome.reply.message, outcome.reply.issues);
      case 'timeout':
        throw new ModelRejection(
          'validator-timeout',
          `loading and running the model did not finish within ${timeoutMs} ms; the validator was killed`,
        );
      case 'died': {
        const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
        this.logger.warn({ event: 'model-validator-died', how, stderr: outcome.stderr });
        throw new ModelRejection(
          'validator-crashed',
          `the validator process ${how} while checking the model`,
        );
      }
      case 'bad-reply':
        this.logger.error({ event: 'model-validator-bad-reply', problem: outcome.problem });
        throw new ModelRejection(
          'validator-crashed',
          'the validator process answered with a malformed reply',
        );
    }
  }
}
