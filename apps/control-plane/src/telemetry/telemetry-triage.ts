import { Inject, Injectable } from '@nestjs/common';
import type { JsMsg } from 'nats';
import {
  parseTelemetrySubject,
  type SubjectParseResult,
  type ValidationFailure,
  type ValidationContext,
  type ValidationResult,
  validateTelemetry,
} from '@polis/contracts';
import { APP_CONFIG, type AppConfig, retentionToMs } from '../config';
import { backoffDelayMs } from './backoff';
import { DeadLetterService } from './dead-letters.service';
import { SensorKindRegistry } from './sensor-kind.registry';

/** Distinct subjects remembered; past this the memo starts again, so hostile subjects cannot grow it. */
const MAX_REMEMBERED_SUBJECTS = 50_000;

/** Judges messages against the contract and the kind registry, and sets bad ones aside as dead letters. */
@Injectable()
export class TelemetryTriage {
  private readonly retentionMs: number;
  private readonly context: ValidationContext;
  /** Each sensor publishes on one subject: parsed once, not per message. */
  private readonly subjects = new Map<string, SubjectParseResult>();

  constructor(
    private readonly kinds: SensorKindRegistry,
    private readonly deadLetters: DeadLetterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.retentionMs = retentionToMs(config.influx.retention);
    this.context = {
      subjectPrefix: config.nats.subjectPrefix,
      now: 0,
      retentionMs: this.retentionMs,
      kindOf: (name) => this.kinds.get(name),
      parseSubject: (subject) => this.parseSubject(subject),
    };
  }

  /** Synchronous on the hot path: the valid reading, or the failure for {@link deadLetter}. */
  judge(message: JsMsg, now: number): ValidationResult {
    this.context.now = now; // one context, not one per message
    return validateTelemetry(message.subject, message.data, this.context);
  }

  private parseSubject(subject: string): SubjectParseResult {
    let parsed = this.subjects.get(subject);
    if (!parsed) {
      if (this.subjects.size >= MAX_REMEMBERED_SUBJECTS) this.subjects.clear();
      parsed = parseTelemetrySubject(this.config.nats.subjectPrefix, subject);
      this.subjects.set(subject, parsed);
    }
    return parsed;
  }

  /**
   * Resolves true once the dead letter is stored (the caller then acks). Retries while the dead-letter
   * stream is unreachable, in order, like InfluxDB writes; resolves false only when stopping.
   */
  async deadLetter(message: JsMsg, result: ValidationFailure, stopping: () => boolean): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.deadLetters.publish(result, message.subject, message.data);
        return true;
      } catch {
        if (stopping()) return false;
        message.working();
        await new Promise((r) => setTimeout(r, backoffDelayMs(attempt, 100, 5_000, Math.random)));
      }
    }
  }
}
