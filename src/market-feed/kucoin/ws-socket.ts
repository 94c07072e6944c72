import WebSocket from 'ws';

export interface SocketHandlers {
  onOpen(): void;
  /** A text frame's bytes, not yet decoded (the frame scanner reads them directly); undefined if binary. */
  onMessage(frame: Buffer | undefined, isBinary: boolean): void;
  onClose(code: number, reason: string): void;
  onError(error: Error): void;
  /**
   * The HTTP upgrade was refused (KuCoin answers 401 to an expired token); on a 429, `retryAfterMs` is its
   * `gw-ratelimit-reset` header when there is one.
   */
  onUpgradeRejected(status: number, retryAfterMs?: number): void;
}

/** The few socket operations a connection needs; the `ws` package is one implementation. */
export interface FeedSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** Drops the socket without the closing handshake (a dead peer would never answer it). */
  terminate(): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => FeedSocket;

/** Opens real WebSockets with the `ws` package; an upgrade not completed within `handshakeTimeoutMs` fails. */
export const wsSocketFactoryWith =
  (handshakeTimeoutMs: number): SocketFactory =>
  (url, handlers) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: handshakeTimeoutMs });
    ws.on('open', () => handlers.onOpen());
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      // binaryType 'nodebuffer' (the default): one Buffer per message, fragments already joined.
      handlers.onMessage(isBinary ? undefined : (data as Buffer), isBinary);
    });
    ws.on('close', (code: number, reason: Buffer) => handlers.onClose(code, reason.toString('utf8')));
    ws.on('error', (error: Error) => handlers.onError(error));
    ws.on('unexpected-response', (request, response) => {
      const reset = Number(response.headers['gw-ratelimit-reset']);
      handlers.onUpgradeRejected(response.statusCode ?? 0, reset > 0 ? reset : undefined);
      request.destroy();
    });
    return {
      send: (text) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
      },
      close: (code, reason) => ws.close(code, reason),
      terminate: () => ws.terminate(),
    };
  };

/** Default: KuCoin's own timeouts are 10 s; KUCOIN_CONNECT_TIMEOUT_MS configures the service's. */
export const wsSocketFactory: SocketFactory = wsSocketFactoryWith(10_000);
