import { type Http2Server, type ServerHttp2Stream, createServer as createHttp2Server } from 'node:http2';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A loopback front for the Firestore emulator whose outage makes every call fail within seconds.
 *
 * `TcpProxy.cut()` cannot exhaust a worker's retry budget inside a test: through refused connections one
 * firebase-admin transaction waits for minutes before it rejects (gRPC reconnect backoff, then the
 * client's request retries, then its five transaction attempts), and an endpoint answering with a
 * standard retryable status (ABORTED, UNKNOWN, UNAVAILABLE, ...) still costs about 40 s per transaction.
 * Here every connection made during the outage reaches an HTTP/2 endpoint that ends each gRPC call with
 * status 17, outside gRPC's range: firebase-admin passes it through after its stream retries (about 7 s)
 * without transaction retries, and the worker classifies it as retryable (UNCLASSIFIED). Listeners and
 * collector reads fail the same way, and recover once the clients reconnect to the emulator.
 */
export class FailingFirestore {
  private readonly server: Server;
  private readonly endpoint: Http2Server;
  /** Sockets piped to the emulator, and sockets handed to the failing endpoint. */
  private readonly piped = new Set<Socket>();
  private readonly failed = new Set<Socket>();
  private failing = false;
  /** gRPC calls failed so far. */
  failedCalls = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    status: number,
  ) {
    this.server = createServer((client) => this.onConnection(client));
    this.endpoint = createHttp2Server();
    this.endpoint.on('stream', (stream: ServerHttp2Stream) => {
      this.failedCalls++;
      stream.on('error', () => undefined);
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': String(status),
          'grpc-message': 'simulated outage',
        },
        { endStream: true },
      );
    });
    this.endpoint.on('sessionError', () => undefined);
  }

  static async start(targetHostPort: string, status = 17): Promise<FailingFirestore> {
    const [host, port] = targetHostPort.split(':');
    const front = new FailingFirestore({ host, port: Number(port) }, status);
    await new Promise<void>((resolve, reject) => {
      front.server.once('error', reject);
      front.server.listen(0, '127.0.0.1', () => resolve());
    });
    return front;
  }

  get hostPort(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Drops every connection to the emulator; the clients reconnect, to the failing endpoint. */
  fail(): void {
    this.failing = true;
    this.reset(this.piped);
  }

  /** Drops every connection to the failing endpoint; the clients reconnect, to the emulator. */
  restore(): void {
    this.failing = false;
    this.reset(this.failed);
  }

  async stop(): Promise<void> {
    this.reset(this.piped);
    this.reset(this.failed);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.endpoint.close(() => resolve()));
  }

  private reset(sockets: Set<Socket>): void {
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
  }

  private onConnection(client: Socket): void {
    if (this.failing) {
      this.failed.add(client);
      client.on('error', () => undefined);
      client.on('close', () => this.failed.delete(client));
      this.endpoint.emit('connection', client);
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.piped.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.piped.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }
}
