import type { LoggerService } from '@nestjs/common';
import { type WriteStream, createWriteStream } from 'node:fs';

type Level = 'error' | 'warn' | 'log' | 'fatal';

/**
 * The worker's log lines go to a file, so they never break the live display. JSON, one event per line,
 * like the production logs; `tail -f` the file to watch them.
 */
export class FileLogger implements LoggerService {
  private readonly stream: WriteStream;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'a' });
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  /** Debug and verbose lines are dropped: the file is for what an operator would see in production. */
  debug(): void {}
  verbose(): void {}
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Also used by the demo itself, for what it would otherwise print over the display. */
  note(message: string): void {
    this.write('log', message, ['demo']);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (this.stream.writableEnded) return;
    // Nest passes the context (the logger's class name) as the last string argument.
    const context = typeof rest[rest.length - 1] === 'string' ? rest[rest.length - 1] : undefined;
    const msg = message instanceof Error ? message.message : message;
    this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, context, msg })}\n`);
  }
}
