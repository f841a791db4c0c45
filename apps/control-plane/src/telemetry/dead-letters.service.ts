import { Inject, Injectable } from '@nestjs/common';
import { buildDeadLetter, type DeadLetter, deadLetterSubject } from '@polis/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { NatsClient } from '../nats';
import { IngestMetrics } from './ingest.metrics';
import { streamNames } from './telemetry-streams';

export const MAX_DEAD_LETTERS_LISTED = 200;

/** Dead letters go to a JetStream stream, so the API can list the latest even after a restart. */
@Injectable()
export class DeadLetterService {
  constructor(
    private readonly nats: NatsClient,
    private readonly metrics: IngestMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Resolves only once the stream has stored the dead letter; the caller acks the original after that. */
  async publish(
    failure: Pick<DeadLetter, 'reason' | 'detail'>,
    subject: string,
    payload: Uint8Array,
  ): Promise<void> {
    const letter = buildDeadLetter(failure, subject, payload, new Date());
    await this.nats.jetstream.publish(
      deadLetterSubject(this.config.nats.subjectPrefix),
      Buffer.from(JSON.stringify(letter)),
    );
    this.metrics.deadLettered.inc({ reason: failure.reason });
  }

  async latest(limit: number): Promise<DeadLetter[]> {
    const stream = streamNames(this.config.nats.subjectPrefix).deadLetters;
    const info = await this.nats.manager.streams.info(stream);
    const out: DeadLetter[] = [];
    const wanted = Math.min(limit, MAX_DEAD_LETTERS_LISTED);
    for (
      let seq = info.state.last_seq;
      seq >= info.state.first_seq && seq > 0 && out.length < wanted;
      seq--
    ) {
      try {
        const message = await this.nats.manager.streams.getMessage(stream, { seq });
        out.push(message.json<DeadLetter>());
      } catch {
        // A gap in the sequence (message aged out between info and read): keep walking back.
      }
    }
    return out;
  }
}
