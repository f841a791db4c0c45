import { Inject, Injectable } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { type TelemetryReading, validateTelemetry } from '@polis/contracts';
import { APP_CONFIG, type AppConfig, retentionToMs } from '../config';
import { DeadLetterService } from './dead-letters.service';
import { SensorKindRegistry } from './sensor-kind.registry';

/** Judges one message against the contract and the kind registry; a bad one is dead-lettered, then acked. */
@Injectable()
export class TelemetryTriage {
  private readonly retentionMs: number;

  constructor(
    private readonly kinds: SensorKindRegistry,
    private readonly deadLetters: DeadLetterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.retentionMs = retentionToMs(config.influx.retention);
  }

  /** The valid reading, or undefined once the message has been dealt with as a dead letter. */
  async judge(message: JsMsg): Promise<TelemetryReading | undefined> {
    const result = validateTelemetry(message.subject, message.data, {
      subjectPrefix: this.config.nats.subjectPrefix,
      now: Date.now(),
      retentionMs: this.retentionMs,
      kindOf: (name) => this.kinds.get(name),
    });
    if (result.ok) return result.reading;
    try {
      await this.deadLetters.publish(result, message.subject, message.data);
      message.ack();
    } catch {
      // The dead-letter stream is unreachable: let JetStream redeliver rather than lose the message.
      message.nak(1_000);
    }
    return undefined;
  }
}
