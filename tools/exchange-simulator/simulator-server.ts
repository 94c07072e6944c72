import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { MarketType } from '../../src/domain/market';
import { type AckMatch, AckFaults, type WithholdAckOptions } from './ack-faults';
import type { PerIpLimiter } from './per-ip-limits';
import { PushHub } from './push-hub';
import { SimulatorBook } from './simulator-book';
import { type SimContext, SimConnection } from './simulator-connection';
import { SimulatorHttp } from './simulator-http';
import {
  type ExchangeSimulatorOptions,
  type SimConnectionInfo,
  type SimulatorFaults,
  type SimulatorLimits,
  type SimulatorStats,
  emptyStats,
} from './simulator.types';

/**
 * The transport half of the simulator: bullet-public, REST and the classic WebSocket protocol on one
 * loopback port, and the connection-level faults (drops, closes, pongs, tokens, upgrades, bad frames).
 * `ExchangeSimulator` adds the market: the trade tape and the faults about what is pushed.
 */
export class SimulatorServer {
  readonly market: MarketType;
  readonly stats: SimulatorStats = emptyStats();
  readonly faults: SimulatorFaults = {
    pongs: true,
    dataPaused: false,
    outage: 'none',
    welcomeDelayMs: 0,
    tokenFailureStatus: 0,
    tokenFailureResetMs: 100,
    tokenFailuresLeft: 0,
    upgradeRejectionsLeft: 0,
    badFrameFraction: 0,
    badFrameKind: 'malformed',
  };
  readonly limits: SimulatorLimits;
  /** KuCoin's per-IP limits, when the options set them (possibly shared with the other market's simulator). */
  readonly perIp: PerIpLimiter | undefined;
  protected readonly book: SimulatorBook;
  protected readonly hub: PushHub;
  private readonly acks = new AckFaults();
  private readonly connections = new Set<SimConnection>();
  private readonly validTokens = new Set<string>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly server: Server;
  private connectionSeq = 0;

  constructor(options: ExchangeSimulatorOptions = {}) {
    this.market = options.market ?? 'spot';
    this.book = new SimulatorBook(this.market, options);
    this.hub = new PushHub(this.book, this.faults, this.stats, options.tickerIntervalMs ?? 100);
    this.limits = {
      maxTopicsPerConnection: 300,
      maxSymbolsPerSubscribe: 100,
      maxClientMessagesPer10s: 100,
      clientMessageWindowMs: 10_000,
      clientIdleTimeoutMs: 60_000,
      ...options.limits,
    };
    this.perIp = options.perIp;
    const http = new SimulatorHttp({
      book: this.book,
      stats: this.stats,
      faults: this.faults,
      validTokens: this.validTokens,
      wsUrl: () => this.wsUrl,
      pingInterval: options.pingInterval ?? 18_000,
      pingTimeout: options.pingTimeout ?? 10_000,
      perIp: options.perIp,
    });
    this.server = createServer((req, res) => http.handle(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    this.hub.stop();
    for (const connection of this.connections) connection.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Between start() and stop(). */
  get listening(): boolean {
    return this.server.listening;
  }

  /** REST base URL to configure as the KuCoin API URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The endpoint bullet-public hands out. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  // ---- connection faults ----

  /** Drops every connection abruptly (no close frame), as a network failure would. */
  dropAllConnections(): void {
    for (const connection of this.connections) connection.terminate();
  }

  /** Closes every connection with a close frame (KuCoin's planned disconnects send 1000 "Bye"). */
  closeAllConnections(code = 1000, reason = 'Bye'): void {
    for (const connection of this.connections) connection.close(code, reason);
  }

  setPongs(enabled: boolean): void {
    this.faults.pongs = enabled;
  }

  setWelcomeDelay(ms: number): void {
    this.faults.welcomeDelayMs = ms;
  }

  /** Answers the next `count` bullet-public calls with `status` (500, or 429 with a `gw-ratelimit-reset` of `resetMs`). */
  failTokenRequests(status: number, count = Number.POSITIVE_INFINITY, resetMs = 100): void {
    this.faults.tokenFailureStatus = status;
    this.faults.tokenFailureResetMs = resetMs;
    this.faults.tokenFailuresLeft = count;
  }

  clearTokenFailures(): void {
    this.faults.tokenFailuresLeft = 0;
  }

  /** Refuses the next `count` WebSocket upgrades with HTTP 401, whatever the token. */
  rejectUpgrades(count: number): void {
    this.faults.upgradeRejectionsLeft = count;
  }

  /**
   * Lost acks: the next `count` subscribe messages naming a matching symbol (a whole message, whatever
   * else it names) are received and left unanswered, counted in `stats.acksWithheld`. By default they
   * are not applied either (the client must send them again); `{ apply: true }` applies them and loses
   * only the ack. Unsubscribes are always answered.
   */
  withholdAcks(match: AckMatch, count: number | 'always' = 1, options: WithholdAckOptions = {}): void {
    this.acks.withhold(match, count, options);
  }

  /** Ends every `withholdAcks` rule: subscribes are answered again. */
  clearWithheldAcks(): void {
    this.acks.clear();
  }

  /** Sends a bad frame before this fraction of data pushes (evenly spread): truncated JSON, binary, or both. */
  setBadFrames(fraction: number, kind: SimulatorFaults['badFrameKind'] = 'both'): void {
    this.faults.badFrameFraction = fraction;
    this.faults.badFrameKind = kind;
  }

  /** Every open connection gets error 401 "token is expired" and is closed; old tokens stop working. */
  expireTokens(): void {
    this.validTokens.clear();
    for (const connection of this.connections) {
      connection.send(`{"id":"${connection.id}","type":"error","code":401,"data":"token is expired"}`);
      connection.close(1000, 'Bye');
    }
  }

  /** Sends a raw frame to every welcomed connection. */
  sendRaw(data: string | Buffer): void {
    for (const connection of this.connections) if (connection.welcomed) connection.send(data);
  }

  // ---- observation ----

  connectionInfo(): SimConnectionInfo[] {
    return [...this.connections].map((c) => ({
      id: c.id,
      welcomed: c.welcomed,
      open: c.open,
      topics: c.topics.size,
    }));
  }

  /** Symbols with at least one subscriber, and per symbol how many connections hold any of its topics. */
  subscriptionCounts(): Map<string, number> {
    return this.hub.subscriptionCounts();
  }

  /** Per topic ("/market/ticker:BTC-USDT", "/market/match:BTC-USDT", "/market/ticker:all"), its connections. */
  topicCounts(): Map<string, number> {
    return this.hub.topicCounts();
  }

  private context(): SimContext {
    return {
      book: this.book,
      limits: this.limits,
      faults: this.faults,
      stats: this.stats,
      acks: this.acks,
      subscribed: (connection, entries) => this.hub.add(connection, entries),
      unsubscribed: (connection, keys) => this.hub.remove(connection, keys),
      closed: (connection) => {
        this.connections.delete(connection);
        this.hub.remove(connection, connection.topics);
      },
    };
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A client that gives up mid-handshake resets the socket; that must not crash the simulator.
    socket.on('error', () => this.stats.socketErrors++);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = url.searchParams.get('token') ?? '';
    if (this.faults.outage === 'drop') {
      this.stats.upgradesRejected++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const verdict = this.perIp?.admitConnection(req.socket.remoteAddress ?? '');
    if (verdict?.ok === false) {
      this.stats.upgradesRejected++;
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\ngw-ratelimit-reset: ${verdict.resetMs}\r\n` +
          'Content-Length: 0\r\nConnection: close\r\n\r\n',
      );
      return;
    }
    if (this.faults.upgradeRejectionsLeft > 0 || !this.validTokens.has(token)) {
      if (this.faults.upgradeRejectionsLeft > 0) this.faults.upgradeRejectionsLeft--;
      this.stats.upgradesRejected++;
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.stats.connectionsAccepted++;
      const id = url.searchParams.get('connectId') ?? `sim-${++this.connectionSeq}`;
      this.connections.add(new SimConnection(id, token, ws, this.context()));
    });
  }
}
