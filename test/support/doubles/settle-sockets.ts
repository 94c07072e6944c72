import type { FakeKucoin } from './fake-kucoin';

const flush = (): Promise<void> => jest.advanceTimersByTimeAsync(0);

/**
 * Under fake timers: lets token calls resolve, welcomes every new open socket, acks every subscribe and
 * unsubscribe sent so far, and lets what follows (catch-ups, recoveries) answer. Test-only.
 */
export async function settleSockets(kucoin: FakeKucoin): Promise<void> {
  await flush();
  for (const socket of kucoin.sockets) {
    if (socket.closed) continue;
    if (socket.sent.length === 0) socket.welcome();
    socket.ackAll();
  }
  await flush();
}
