import type { TriggerEntry } from '../../cache/book/book.types';
import { TriggerBook } from '../../cache/book/trigger-book';
import type { Tick } from '../../domain/market';
import { TradeTriggerEvaluator } from './trade-trigger.evaluator';

function tick(price: number): Tick {
  return {
    marketType: 'futures',
    symbol: 'XBTUSDTM',
    price,
    exchangeTime: 1_700_000_000_123,
    receivedAt: 1_700_000_000_130,
    source: 'stream',
  };
}

function trigger(overrides: Partial<TriggerEntry> = {}): TriggerEntry {
  return { path: 'users/u1/tradeTriggers/t1', condition: 'above', targetPrice: 100, ...overrides };
}

const evaluator = new TradeTriggerEvaluator();

function firedPaths(entries: TriggerEntry[], price: number): string[] {
  return evaluator
    .hits(TriggerBook.from(entries), tick(price))
    .map((hit) => hit.entry.path)
    .sort();
}

describe('TradeTriggerEvaluator', () => {
  it.each([
    ['above', 101, true, 'above the target'],
    ['above', 100, true, 'exactly at the target'],
    ['above', 99.9999, false, 'just below the target'],
    ['above', 10_000, true, 'gapped far through the target'],
    ['below', 99, true, 'below the target'],
    ['below', 100, true, 'exactly at the target'],
    ['below', 100.0001, false, 'just above the target'],
    ['below', 0.5, true, 'gapped far through the target'],
  ] as const)('%s 100 at %p fires: %p (%s)', (condition, price, fires, _label) => {
    const hits = evaluator.hits(TriggerBook.from([trigger({ condition })]), tick(price));
    expect(hits).toEqual(
      fires
        ? [
            {
              kind: 'trigger',
              marketType: 'futures',
              symbol: 'XBTUSDTM',
              entry: trigger({ condition }),
              level: 100,
            },
          ]
        : [],
    );
  });

  it('fires exactly the crossed triggers of a mixed book', () => {
    const entries = [
      trigger({ path: 'users/a/tradeTriggers/above-95', condition: 'above', targetPrice: 95 }),
      trigger({ path: 'users/a/tradeTriggers/above-105', condition: 'above', targetPrice: 105 }),
      trigger({ path: 'users/b/tradeTriggers/below-95', condition: 'below', targetPrice: 95 }),
      trigger({ path: 'users/b/tradeTriggers/below-105', condition: 'below', targetPrice: 105 }),
    ];
    expect(firedPaths(entries, 100)).toEqual([
      'users/a/tradeTriggers/above-95',
      'users/b/tradeTriggers/below-105',
    ]);
    expect(firedPaths(entries, 95)).toEqual([
      'users/a/tradeTriggers/above-95',
      'users/b/tradeTriggers/below-105',
      'users/b/tradeTriggers/below-95',
    ]);
  });

  it.each([[0], [-5], [Number.NaN]])('never acts on a price of %p', (price) => {
    expect(firedPaths([trigger({ condition: 'below' })], price)).toEqual([]);
  });

  it('returns nothing for an empty book', () => {
    expect(evaluator.evaluate(new TriggerBook(), tick(100), [])).toBe(0);
  });
});
