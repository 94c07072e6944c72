import WebSocket from 'ws';

/** Opaque: Node returns a Timeout object, browsers and some fakes a number. */
export type TimerHandle = object | number;

/**
 * Time behind a seam so the state machine runs under Jest fake timers. The default resolves the global
 * functions at call time (not import time), so fake timers installed later are honoured.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface SocketHandlers {
  onOpen(): void;
  /** A text frame's bytes, not yet decoded (the frame scanner reads them directly); undefined if binary. */
  onMessage(frame: Buffer | undefined, isBinary: boolean): void;
  onClose(code: number, reason: string): void;
  onError(error: Error): void;
  /** The HTTP upgrade was refused (KuCoin answers 401 to an expired token). */
  onUpgradeRejected(status: number): void;
}

/** The few socket operations the manager needs; the `ws` package is one implementation. */
export interface FeedSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** Drops the socket without the closing handshake (a dead peer would never answer it). */
  terminate(): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => FeedSocket;

export const wsSocketFactory: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
  ws.on('open', () => handlers.onOpen());
  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    // binaryType 'nodebuffer' (the default): one Buffer per message, fragments already joined.
    handlers.onMessage(isBinary ? undefined : (data as Buffer), isBinary);
  });
  ws.on('close', (code: number, reason: Buffer) => handlers.onClose(code, reason.toString('utf8')));
  ws.on('error', (error: Error) => handlers.onError(error));
  ws.on('unexpected-response', (request, response) => {
    handlers.onUpgradeRejected(response.statusCode ?? 0);
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

/** The subset of fetch the REST calls use; tests pass a fake returning `new Response(...)`. */
export type FetchLike = (url: string, init: { method: string; signal?: AbortSignal }) => Promise<Response>;

export const globalFetch: FetchLike = (url, init) => fetch(url, init);
