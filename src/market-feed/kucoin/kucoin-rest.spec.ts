import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KucoinRestError, callJson, fetchPublicToken, isSecureEndpoint, timedFetch } from './kucoin-rest';

function tokenResponse(endpoint: string) {
  const body = {
    code: '200000',
    data: { token: 't0k3n', instanceServers: [{ endpoint, pingInterval: 18_000, pingTimeout: 10_000 }] },
  };
  return () => Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
}

describe('the WebSocket endpoint a token response names', () => {
  it.each([
    ['wss://ws-api-spot.kucoin.com/', true],
    ['ws://127.0.0.1:39123/', true],
    ['ws://localhost:39123/', true],
    ['ws://[::1]:39123/', true],
    ['ws://ws-api-spot.kucoin.com/', false],
    ['ws://10.0.0.7:8080/', false],
    ['https://ws-api-spot.kucoin.com/', false],
    ['not a url', false],
  ])('%s is accepted: %s', (endpoint, accepted) => {
    expect(isSecureEndpoint(endpoint)).toBe(accepted);
  });

  it('refuses a clear-text endpoint outside loopback as a retryable error (the next token may name another)', async () => {
    const attempt = fetchPublicToken(tokenResponse('ws://ws-api-spot.kucoin.com/'), 'https://api.kucoin.com');
    await expect(attempt).rejects.toBeInstanceOf(KucoinRestError);
    await expect(attempt).rejects.toMatchObject({ retryable: true });
    await expect(
      fetchPublicToken(tokenResponse('wss://ws-api-spot.kucoin.com/'), 'https://api.kucoin.com'),
    ).resolves.toMatchObject({ endpoint: 'wss://ws-api-spot.kucoin.com/', token: 't0k3n' });
  });
});

describe('timedFetch', () => {
  it('gives up on a call the server never answers, after its timeout', async () => {
    const server = createServer(() => undefined); // accepts and never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const call = callJson(timedFetch(200), 'GET', `http://127.0.0.1:${port}/api/v1/timestamp`);
      await expect(call).rejects.toMatchObject({ status: 0, retryable: true });
      await expect(call).rejects.toThrow(/aborted|timeout/i);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
