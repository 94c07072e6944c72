import type { FetchLike } from '../../../src/market-feed/kucoin/kucoin-rest';
import { DEMO_SYMBOLS } from '../demo.constants';
import { chooseFeed } from './feed-choice';

const TOKEN = { code: '200000', data: { token: 't', instanceServers: [{ endpoint: 'wss://x' }] } };

/** A fake KuCoin: never the network, whatever the test does. */
function fakeKucoin(answer: (url: string) => unknown): { fetchFn: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetchFn: FetchLike = (url) => {
    urls.push(url);
    try {
      return Promise.resolve(new Response(JSON.stringify(answer(url)), { status: 200 }));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  return { fetchFn, urls };
}

describe('chooseFeed', () => {
  it('does not touch the network when the simulator is asked for', async () => {
    const kucoin = fakeKucoin(() => TOKEN);
    await expect(chooseFeed('simulated', DEMO_SYMBOLS, kucoin.fetchFn)).resolves.toMatchObject({
      kind: 'simulated',
    });
    expect(kucoin.urls).toEqual([]);
  });

  it('goes live with the REST ticker prices when KuCoin answers', async () => {
    const kucoin = fakeKucoin((url) => {
      if (url.endsWith('/bullet-public')) return TOKEN;
      const symbol = new URL(url).searchParams.get('symbol');
      return { code: '200000', data: { price: symbol?.startsWith('ETH') ? '3001.5' : '61000.1', ts: 1 } };
    });
    const choice = await chooseFeed('auto', DEMO_SYMBOLS, kucoin.fetchFn);
    expect(choice).toEqual({
      kind: 'live',
      prices: new Map([
        ['BTC-USDT', 61000.1],
        ['ETH-USDT', 3001.5],
        ['XBTUSDTM', 61000.1],
        ['ETHUSDTM', 3001.5],
      ]),
    });
    expect(kucoin.urls[0]).toBe('https://api.kucoin.com/api/v1/bullet-public');
    expect(kucoin.urls).toContain('https://api-futures.kucoin.com/api/v1/ticker?symbol=XBTUSDTM');
  });

  it('falls back to the simulator, saying why, when KuCoin cannot be reached', async () => {
    const kucoin = fakeKucoin(() => {
      throw new Error('getaddrinfo ENOTFOUND api.kucoin.com');
    });
    const choice = await chooseFeed('auto', DEMO_SYMBOLS, kucoin.fetchFn);
    expect(choice.kind).toBe('simulated');
    expect(choice.kind === 'simulated' && choice.why).toMatch(/KuCoin could not be reached.*ENOTFOUND/);
  });

  it('falls back when a ticker has no data, and fails instead with --live', async () => {
    const kucoin = fakeKucoin((url) =>
      url.endsWith('/bullet-public') ? TOKEN : { code: '200000', data: null },
    );
    await expect(chooseFeed('auto', DEMO_SYMBOLS, kucoin.fetchFn)).resolves.toMatchObject({
      kind: 'simulated',
    });
    await expect(chooseFeed('live', DEMO_SYMBOLS, kucoin.fetchFn)).rejects.toThrow(/no usable spot ticker/);
  });
});
