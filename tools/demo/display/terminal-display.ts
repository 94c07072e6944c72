import { DISPLAY_REFRESH_MS, PLAIN_STATUS_EVERY_MS } from '../demo.constants';
import type { ExecutionEvent, StatusView } from './display.types';
import {
  COLOR,
  NO_COLOR,
  type Paint,
  formatExecution,
  formatStatusLine,
  formatTrailing,
  renderScreen,
} from './format';

const HOME = '\u001b[H';
const CLEAR_LINE_END = '\u001b[K';
const CLEAR_BELOW = '\u001b[J';
const CLEAR_SCREEN = '\u001b[2J';
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';

/**
 * On a terminal, a status screen redrawn in place every second and at each execution. Anywhere else (a
 * pipe, a CI log), plain lines: each execution as it happens and a status line every few seconds, each
 * followed by a line per trailing stop still open (and one more for a trailing stop when it closes).
 */
export class TerminalDisplay {
  private readonly events: ExecutionEvent[] = [];
  private readonly tty: boolean;
  private readonly paint: Paint;
  private timer: NodeJS.Timeout | undefined;
  private lastPlainStatus = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly view: () => StatusView,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.tty = out.isTTY === true && env.TERM !== 'dumb';
    this.paint = this.tty && env.NO_COLOR === undefined ? COLOR : NO_COLOR;
  }

  get executions(): readonly ExecutionEvent[] {
    return this.events;
  }

  start(): void {
    if (this.tty) this.out.write(HIDE_CURSOR + CLEAR_SCREEN);
    this.refresh();
    this.timer = setInterval(() => this.refresh(), DISPLAY_REFRESH_MS);
  }

  addExecution(event: ExecutionEvent): void {
    this.events.push(event);
    if (this.tty) return this.redraw();
    this.out.write(`EXECUTION ${formatExecution(event, this.paint)}\n`);
    const closed = this.view().trailing?.find((stop) => stop.path === event.path && stop.phase === 'closed');
    if (closed !== undefined) this.out.write(`TRAILING ${formatTrailing(closed, this.paint)}\n`);
  }

  /** Leaves the last screen in place (or prints a last status line) and gives the cursor back. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) {
      this.redraw();
      this.out.write(SHOW_CURSOR);
    } else this.writePlainStatus(true);
  }

  private refresh(): void {
    if (this.tty) return this.redraw();
    const now = Date.now();
    if (now - this.lastPlainStatus < PLAIN_STATUS_EVERY_MS) {
      this.view(); // keeps the rate meters sampling
      return;
    }
    this.lastPlainStatus = now;
    this.writePlainStatus(false);
  }

  /** The status line, then the trailing stops still open (all of them on the last one). */
  private writePlainStatus(last: boolean): void {
    const view = this.view();
    this.out.write(`${formatStatusLine(view)}\n`);
    for (const stop of view.trailing ?? [])
      if (last || stop.phase !== 'closed') this.out.write(`TRAILING ${formatTrailing(stop, this.paint)}\n`);
  }

  private redraw(): void {
    const lines = renderScreen(this.view(), this.events, this.paint, this.out.rows ?? 40);
    this.out.write(HOME + lines.map((line) => line + CLEAR_LINE_END).join('\n') + '\n' + CLEAR_BELOW);
  }
}
