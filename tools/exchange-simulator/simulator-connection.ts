import type WebSocket from 'ws';
import type { AckFaults } from './ack-faults';
import type { SimulatorBook } from './simulator-book';
import type { SimulatorFaults, SimulatorLimits, SimulatorStats } from './simulator.types';
import { type TopicEntry, parseTopic } from './topics';
import { frames } from './wire-frames';

export interface SimContext {
  readonly book: SimulatorBook;
  readonly limits: SimulatorLimits;
  readonly faults: SimulatorFaults;
  readonly stats: SimulatorStats;
  readonly acks: AckFaults;
  subscribed(connection: SimConnection, entries: readonly TopicEntry[]): void;
  unsubscribed(connection: SimConnection, keys: readonly string[]): void;
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
  /** Topic keys held, one per symbol and channel ("/market/match:BTC-USDT") or "/market/ticker:all". */
  readonly topics = new Set<string>();
  welcomed = false;
  private readonly stamps: number[] = [];
  /** Bad frames are spread evenly (not drawn at random), so a test sees the fraction it asked for. */
  private badCarry = 0;
  private badBinaryNext = false;
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

  /** A data push (the hub has already applied pauses and outages), subject to the bad-frame fault. */
  push(frame: string): void {
    const { faults, stats } = this.ctx;
    if (!this.welcomed || !this.open) return;
    this.badCarry += faults.badFrameFraction;
    if (this.badCarry >= 1) {
      this.badCarry -= 1;
      const binary =
        faults.badFrameKind === 'binary' || (faults.badFrameKind === 'both' && this.badBinaryNext);
      this.badBinaryNext = !this.badBinaryNext;
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
    // An id-less ping or subscribe is answered without an id, as KuCoin does.
    const id =
      typeof message.id === 'string' || typeof message.id === 'number' ? String(message.id) : undefined;
    if (message.type === 'ping') {
      stats.pingsReceived++;
      if (faults.pongs) this.send(frames.pong(id));
    } else if (message.type === 'subscribe') {
      stats.subscribeMessages++;
      this.subscribe(id, typeof message.topic === 'string' ? message.topic : '', message.response === true);
    } else if (message.type === 'unsubscribe') {
      stats.unsubscribeMessages++;
      const entries = parseTopic(
        this.ctx.book.market,
        typeof message.topic === 'string' ? message.topic : '',
      );
      const keys = (entries ?? []).map((entry) => entry.key);
      for (const key of keys) this.topics.delete(key);
      this.ctx.unsubscribed(this, keys);
      if (message.response === true) this.send(frames.ack(id));
    } else {
      this.send(frames.error(id, 415, 'bad command'));
    }
  }

  private subscribe(id: string | undefined, topic: string, response: boolean): void {
    const { limits, book } = this.ctx;
    const entries = parseTopic(book.market, topic);
    if (entries === undefined) return this.send(frames.error(id, 404, `topic ${topic} is not found`));
    if (entries.length === 0) return this.send(frames.error(id, 406, 'topic required'));
    // A lost subscribe: received (and counted) but never answered; 'apply_silently' loses only the ack.
    const verdict = this.ctx.acks.judge(entries.flatMap((e) => (e.symbol === undefined ? [] : [e.symbol])));
    if (verdict === 'drop') {
      this.ctx.stats.acksWithheld++;
      return;
    }
    if (entries.length > limits.maxSymbolsPerSubscribe) {
      return this.send(
        frames.error(
          id,
          509,
          `exceed max subscription count limitation of ${limits.maxSymbolsPerSubscribe} per time`,
        ),
      );
    }
    const missing = entries.find((e) => e.symbol !== undefined && book.unknown.get(e.symbol) === 'not_found');
    if (missing !== undefined) return this.send(frames.error(id, 404, `topic ${missing.key} is not found`));
    const added = entries.filter((entry) => !this.topics.has(entry.key));
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
    for (const entry of added) this.topics.add(entry.key);
    this.ctx.subscribed(this, added);
    if (response && verdict === 'apply_silently') this.ctx.stats.acksWithheld++;
    else if (response) this.send(frames.ack(id));
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
