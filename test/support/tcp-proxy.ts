import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A loopback TCP proxy in front of the Firestore emulator. The emulator keeps its data only in memory,
 * so an outage is simulated here instead: `cut()` resets every open connection and resets each new one
 * at once until `restore()`, which the worker's gRPC channel sees as Firestore being unreachable.
 * With `delayMs`, every chunk waits that long before it is passed on, in either direction: a network
 * round trip of twice that, in front of an emulator that answers in microseconds.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private cutOff = false;
  refused = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly delayMs = 0,
  ) {
    this.server = createServer((client) => this.onConnection(client));
  }

  static async start(targetHostPort: string, delayMs = 0): Promise<TcpProxy> {
    const [host, port] = targetHostPort.split(':');
    const proxy = new TcpProxy({ host, port: Number(port) }, delayMs);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get hostPort(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cutOff = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(client: Socket): void {
    if (this.cutOff) {
      this.refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
      if (this.delayMs > 0) this.delay(a, b);
      else a.pipe(b);
    }
  }

  /** Timers of one duration fire in the order they were set, so the byte stream keeps its order. */
  private delay(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => setTimeout(() => to.destroyed || to.write(chunk), this.delayMs));
    from.on('end', () => setTimeout(() => to.end(), this.delayMs));
  }
}

/**
 * A listen stream firebase-admin half-closed on unsubscribe gets its final status only when its
 * connection dies. Workers that run in the Jest process therefore reach the shared emulator through a
 * proxy of their own: stopping it after the worker closed delivers that status while the test
 * environment still exists (as test/cache/outage.e2e-spec.ts does with its emulator); otherwise it
 * would arrive when the global teardown stops the emulator and require() protobuf files after Jest's
 * teardown, crashing the run.
 */
export async function settleClosedStreams(proxy: TcpProxy | undefined): Promise<void> {
  await proxy?.stop();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}
