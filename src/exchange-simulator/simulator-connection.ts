import type WebSocket from 'ws';
import { type SimulatorBook, TOPIC_PREFIX, frames } from './simulator-book';
import type { SimulatorFaults, SimulatorLimits, SimulatorStats } from './simulator.types';

export interface SimContext {
  readonly book: SimulatorBook;
  readonly limits: SimulatorLimits;
  readonly faults: SimulatorFaults;
  readonly stats: SimulatorStats;
  subscribed(connection: SimConnection, symbols: readonly string[]): void;
  unsubscribed(connection: SimConnection, symbols: readonly string[]): void;
  closed(connection: SimConnection): void;
}

interface ClientMessage {
  id?: unknown;
  type?: unknown;
  topic?: unknown;
  response?: unknown;
}

/** One client connection speaking KuCoin's classic protocol. */
export class SimConnection {
  readonly topics = new Set<string>();
  welcomed = false;
  private readonly stamps: number[] = [];
  private welcomeTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly token: string,
    private readonly ws: WebSocket,
    private readonly ctx: SimContext,
  ) {
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) this.onMessage((data as Buffer).toString('utf8'));
    });
    ws.on('close', () => {
      if (this.welcomeTimer) clearTimeout(this.welcomeTimer);
      if (this.idleTimer) clearTimeout(this.idleTimer);
      ctx.closed(this);
    });
    ws.on('error', () => ctx.stats.socketErrors++);
    this.armIdleTimeout();
    const delay = ctx.faults.welcomeDelayMs;
    if (delay > 0) this.welcomeTimer = setTimeout(() => this.welcome(), delay);
    else this.welcome();
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(data: string | Buffer): void {
    if (this.open) this.ws.send(data);
  }

  /** A data push, subject to the silent-feed and bad-frame faults. */
  push(frame: string): void {
    const { faults, stats } = this.ctx;
    if (faults.dataPaused || !this.welcomed || !this.open) return;
    if (faults.badFrameFraction > 0 && Math.random() < faults.badFrameFraction) {
      const binary =
        faults.badFrameKind === 'binary' || (faults.badFrameKind === 'both' && Math.random() < 0.5);
      this.ws.send(binary ? Buffer.from(frame) : frame.slice(0, frame.length >> 1));
      stats.badFramesSent++;
    }
    this.ws.send(frame);
    stats.dataFramesSent++;
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  private welcome(): void {
    this.welcomeTimer = undefined;
    this.welcomed = true;
    this.send(frames.welcome(this.id));
  }

  private onMessage(text: string): void {
    const { stats, faults } = this.ctx;
    stats.clientMessages++;
    this.armIdleTimeout();
    if (!this.welcomed) {
      // KuCoin silently loses what a client sends before the welcome.
      stats.messagesBeforeWelcome++;
      return;
    }
    if (this.overRate()) return;
    let message: ClientMessage;
    try {
      message = JSON.parse(text) as ClientMessage;
    } catch {
      this.send(frames.error(this.id, 415, 'bad command'));
      return;
    }
    const id = typeof message.id === 'string' || typeof message.id === 'number' ? String(message.id) : '';
    if (message.type === 'ping') {
      stats.pingsReceived++;
      if (faults.pongs) this.send(frames.pong(id));
    } else if (message.type === 'subscribe') {
      stats.subscribeMessages++;
      this.subscribe(id, typeof message.topic === 'string' ? message.topic : '', message.response === true);
    } else if (message.type === 'unsubscribe') {
      stats.unsubscribeMessages++;
      const symbols = this.symbolsOf(typeof message.topic === 'string' ? message.topic : '');
      for (const symbol of symbols ?? []) this.topics.delete(symbol);
      this.ctx.unsubscribed(this, symbols ?? []);
      if (message.response === true) this.send(frames.ack(id));
    } else {
      this.send(frames.error(id, 415, 'bad command'));
    }
  }

  private subscribe(id: string, topic: string, response: boolean): void {
    const { limits, book } = this.ctx;
    const symbols = this.symbolsOf(topic);
    if (symbols === undefined) return this.send(frames.error(id, 404, `topic ${topic} is not found`));
    if (symbols.length === 0) return this.send(frames.error(id, 406, 'topic required'));
    if (symbols.length > limits.maxSymbolsPerSubscribe) {
      return this.send(
        frames.error(
          id,
          509,
          `exceed max subscription count limitation of ${limits.maxSymbolsPerSubscribe} per time`,
        ),
      );
    }
    const missing = symbols.find((symbol) => book.unknown.get(symbol) === 'not_found');
    if (missing !== undefined) {
      return this.send(frames.error(id, 404, `topic ${TOPIC_PREFIX[book.market]}${missing} is not found`));
    }
    const added = symbols.filter((symbol) => !this.topics.has(symbol));
    if (this.topics.size + added.length > limits.maxTopicsPerConnection) {
      this.ctx.stats.topicLimitErrors++;
      return this.send(
        frames.error(
          id,
          509,
          `exceed max subscription count limitation of ${limits.maxTopicsPerConnection} per session`,
        ),
      );
    }
    for (const symbol of added) this.topics.add(symbol);
    this.ctx.subscribed(this, added);
    if (response) this.send(frames.ack(id));
  }

  private symbolsOf(topic: string): string[] | undefined {
    const prefix = TOPIC_PREFIX[this.ctx.book.market];
    if (!topic.startsWith(prefix)) return undefined;
    return topic
      .slice(prefix.length)
      .split(',')
      .filter((symbol) => symbol.length > 0);
  }

  /** Only client messages reset KuCoin's idle timer; its own pushes do not. */
  private armIdleTimeout(): void {
    const { limits, stats } = this.ctx;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (limits.clientIdleTimeoutMs <= 0) return;
    this.idleTimer = setTimeout(() => {
      stats.idleTimeouts++;
      this.send(frames.error(this.id, 400, 'ping timeout'));
      this.close(1000, 'Bye');
    }, limits.clientIdleTimeoutMs);
  }

  /** KuCoin: 100 client messages per 10 s; over it, error 509 and a disconnect. */
  private overRate(): boolean {
    const { limits, stats } = this.ctx;
    if (limits.maxClientMessagesPer10s <= 0) return false;
    const now = Date.now();
    this.stamps.push(now);
    while (this.stamps.length > 0 && this.stamps[0] <= now - limits.clientMessageWindowMs)
      this.stamps.shift();
    if (this.stamps.length <= limits.maxClientMessagesPer10s) return false;
    stats.rateLimitViolations++;
    this.send(frames.error(this.id, 509, 'exceed max permits per second'));
    this.close(1000, 'Bye');
    return true;
  }
}
