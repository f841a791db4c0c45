import { Inject, Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config';
import { ReadingWriter } from './reading-writer';
import { type LiveFilter, LiveThrottle } from './live-throttle';

/** One throttled feed per browser: readings as stored, coalesced per sensor, at most one event per tick. */
@Injectable()
export class LiveTelemetryService {
  constructor(
    private readonly writer: ReadingWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  feed(filter: LiveFilter): Observable<MessageEvent> {
    const { intervalMs, maxSensorsPerEvent } = this.config.liveStream;
    return new Observable<MessageEvent>((subscriber) => {
      const throttle = new LiveThrottle(filter, maxSensorsPerEvent);
      const subscription = this.writer.stored$.subscribe((reading) => throttle.offer(reading));
      const timer = setInterval(() => {
        const event = throttle.drain();
        if (event) subscriber.next({ type: 'telemetry', data: event });
      }, intervalMs);
      return () => {
        subscription.unsubscribe();
        clearInterval(timer);
      };
    });
  }
}
