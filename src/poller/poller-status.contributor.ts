import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { StatusSectionRegistry } from '../status/status-section.registry.js';
import type { StatusSection } from '../status/status-section.interface.js';
import type { MessageStream } from './message-stream.interface.js';
import { deadLetterStreamOf } from '../streams/dead-letter.format.js';
import { MESSAGE_STREAM } from './poller.constants.js';

/** "Message poller" on GET /status: the stream, its group's pending and lag, its dead letters. Counts only. */
@Injectable()
export class PollerStatusContributor implements OnModuleInit {
  constructor(
    @Inject(MESSAGE_STREAM) private readonly stream: MessageStream,
    @Optional() private readonly sections?: StatusSectionRegistry,
  ) {}

  onModuleInit(): void {
    this.sections?.register({
      title: 'Message poller',
      order: 25,
      section: (signal) => this.section(signal),
    });
  }

  /** Throws when the stream cannot be read: the page shows the section as unavailable. */
  private async section(signal: AbortSignal): Promise<StatusSection> {
    const [lag, deadLetters] = await Promise.all([
      this.stream.lag(signal),
      this.stream.deadLetterCount(signal),
    ]);
    return {
      title: 'Message poller',
      tone: deadLetters > 0 ? 'warn' : 'ok',
      rows: [
        ['stream', `${lag.stream} (${this.stream.kind === 'memory' ? 'embedded' : 'redis'})`],
        ['group', lag.group],
        ['consumers', lag.consumers],
        ['pending', lag.pending],
        ['lag', lag.lag ?? 'unknown'],
        ['dead letters', `${deadLetters} in ${deadLetterStreamOf(lag.stream)}`],
      ],
    };
  }
}
