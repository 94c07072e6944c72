import { parsePosition } from '../../domain/position';
import { parseTrigger } from '../../domain/trade-trigger';
import type { DocumentChange } from '../document-change';
import { decodeChanges, encodeChanges } from './watch-protocol';

/** What crosses from a watch thread as text must come back as the same parsed changes. */
describe('watch-protocol: changes as JSON text', () => {
  it('keeps parsed positions and triggers, rejections and removals whole', () => {
    const position = {
      symbol: 'XBTUSDTM',
      marketType: 'futures',
      side: 'short',
      size: 0.5,
      entryPrice: 60_000,
      leverage: 20,
      stopLoss: null,
      takeProfit: 55_000.25,
      status: 'open',
      triggerPriceType: 'mark',
      liquidationPrice: 62_900,
      trailingStop: { callbackAmount: 150, activationPrice: 59_000 },
    };
    const trigger = {
      symbol: 'BTC-USDT',
      marketType: 'spot',
      condition: 'below',
      targetPrice: 58_000,
      side: 'long',
      size: 1,
    };
    const changes: DocumentChange<unknown>[] = [
      {
        type: 'added',
        path: 'users/u1/openPositions/p1',
        version: 1_700_000_000_123_456,
        result: parsePosition('users/u1/openPositions/p1', position),
      },
      {
        type: 'modified',
        path: 'users/u1/tradeTriggers/t1',
        version: 1_700_000_000_123_457,
        result: parseTrigger('users/u1/tradeTriggers/t1', trigger),
      },
      {
        type: 'added',
        path: 'users/u1/openPositions/bad',
        version: 1,
        result: parsePosition('users/u1/openPositions/bad', { ...position, size: -1 }),
      },
      { type: 'removed', path: 'users/u2/openPositions/p9', version: 1_700_000_000_999_999 },
    ];
    expect(changes[0]).toMatchObject({ result: { ok: true } });
    expect(changes[2]).toMatchObject({ result: { ok: false } });
    expect(decodeChanges(encodeChanges(changes))).toEqual(changes);
  });
});
