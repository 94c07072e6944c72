import { makeHit } from '../../../test/support/ticks';
import {
  type ReadDocument,
  type Tape,
  closeOfKnownVersion,
  decideClose,
  decideFire,
} from './transaction-decisions';

const positionHit = makeHit({ entry: { stopLoss: 55_000, takeProfit: 70_000 } });

const triggerHit = makeHit({
  kind: 'trigger',
  entry: { path: 'users/u9/tradeTriggers/t1', targetPrice: 65_000 },
});

const tape = (price: number): Tape => ({ price, tickTime: 1_700_000_000_500, instanceId: 'worker-a' });

/** What worker-a writes when a trade at 54,000 crosses positionHit's stop-loss. */
const STOP_LOSS_CLOSE = {
  status: 'closing',
  closeReason: 'stop_loss',
  closeTriggerPrice: 55_000,
  closePrice: 54_000,
  closeTickTime: 1_700_000_000_500,
  closedBy: 'worker-a',
};

/** Read at version 42 (its update time, or the read time if missing). */
const at = (data: Record<string, unknown> | undefined): ReadDocument => ({ data, version: 42 });

function positionDoc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    symbol: 'BTC-USDT',
    marketType: 'spot',
    side: 'long',
    size: 1,
    entryPrice: 60_000,
    stopLoss: 55_000,
    takeProfit: 70_000,
    status: 'open',
    ...overrides,
  };
}

function triggerDoc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    symbol: 'XBTUSDTM',
    marketType: 'futures',
    condition: 'above',
    targetPrice: 65_000,
    side: 'long',
    size: 2,
    leverage: 5,
    ...overrides,
  };
}

describe('decideClose', () => {
  it('closes an open position at the tick price, not the level (a gap fills worse)', () => {
    expect(decideClose(positionHit, at(positionDoc()), tape(54_000))).toEqual({
      kind: 'write',
      fields: STOP_LOSS_CLOSE,
    });
  });

  it('closes a position watching the mark price on a mark tick, and says which price closePrice is', () => {
    const onMark = { symbol: 'XBTUSDTM', marketType: 'futures', triggerPriceType: 'mark' };
    const hit = makeHit({
      marketType: 'futures',
      symbol: 'XBTUSDTM',
      priceType: 'mark',
      entry: positionHit.entry,
    });
    expect(decideClose(hit, at(positionDoc(onMark)), tape(54_000))).toMatchObject({
      kind: 'write',
      fields: { closeReason: 'stop_loss', closePrice: 54_000, closePriceType: 'mark' },
    });
    // The same price as a trade does not close it: it watches the mark price, not the last one.
    const byTrade = makeHit({ marketType: 'futures', symbol: 'XBTUSDTM', entry: positionHit.entry });
    expect(decideClose(byTrade, at(positionDoc(onMark)), tape(54_000))).toMatchObject({
      kind: 'skip',
      reason: 'not_crossed',
    });
  });

  describe('liquidation', () => {
    // A 10x long watching the last trade: stop-loss 50,000 on trades, liquidation 54,500 on the mark.
    const leveraged = positionDoc({
      symbol: 'XBTUSDTM',
      marketType: 'futures',
      leverage: 10,
      stopLoss: 50_000,
    });
    const fromPolicy = (level: number | null) => () => level;
    // The mark book's leg of the position: only its liquidation level.
    const markHit = makeHit({
      marketType: 'futures',
      symbol: 'XBTUSDTM',
      priceType: 'mark',
      reason: 'liquidation',
      level: 54_500,
      entry: { stopLoss: null, takeProfit: null, liquidation: 54_500 },
    });

    it('closes on the mark price that crosses the liquidation level, at that mark price', () => {
      expect(decideClose(markHit, at(leveraged), tape(54_400), fromPolicy(54_500))).toEqual({
        kind: 'write',
        fields: {
          status: 'closing',
          closeReason: 'liquidation',
          closeTriggerPrice: 54_500,
          closePrice: 54_400,
          closePriceType: 'mark',
          closeTickTime: 1_700_000_000_500,
          closedBy: 'worker-a',
        },
      });
      expect(closeOfKnownVersion(markHit, tape(54_400))).toMatchObject({ closeReason: 'liquidation' });
    });

    it('re-decides on the level of the version read: a mark above it, or liquidation off, closes nothing', () => {
      expect(decideClose(markHit, at(leveraged), tape(54_600), fromPolicy(54_500))).toMatchObject({
        kind: 'skip',
        reason: 'not_crossed',
      });
      expect(decideClose(markHit, at(leveraged), tape(54_400), fromPolicy(null))).toMatchObject({
        kind: 'skip',
        reason: 'not_crossed',
      });
      expect(closeOfKnownVersion(markHit, tape(54_600))).toBeUndefined();
    });

    it('is not crossed by a trade: the last price fires only the stops', () => {
      const trade = makeHit({ marketType: 'futures', symbol: 'XBTUSDTM', entry: { stopLoss: 50_000 } });
      expect(decideClose(trade, at(leveraged), tape(54_000), fromPolicy(54_500))).toMatchObject({
        kind: 'skip',
        reason: 'not_crossed',
      });
      expect(decideClose(trade, at(leveraged), tape(49_000), fromPolicy(54_500))).toMatchObject({
        kind: 'write',
        fields: { closeReason: 'stop_loss', closeTriggerPrice: 50_000 },
      });
    });

    it('on a position watching the mark itself, the nearer of stop-loss and liquidation is crossed first', () => {
      const onMark = { ...leveraged, triggerPriceType: 'mark', stopLoss: 55_000 };
      const hit = makeHit({ ...markHit, entry: { stopLoss: 55_000, takeProfit: null, liquidation: 54_500 } });
      expect(decideClose(hit, at(onMark), tape(54_000), fromPolicy(54_500))).toMatchObject({
        fields: { closeReason: 'stop_loss', closeTriggerPrice: 55_000, closePriceType: 'mark' },
      });
      const nearer = { ...onMark, stopLoss: 54_000 };
      expect(decideClose(hit, at(nearer), tape(53_000), fromPolicy(54_500))).toMatchObject({
        fields: { closeReason: 'liquidation', closeTriggerPrice: 54_500 },
      });
    });
  });

  it.each([
    ['missing', undefined],
    ['not_open', positionDoc({ status: 'closing' })],
    ['not_open', positionDoc({ status: 'closed' })],
    ['not_open', positionDoc({ status: undefined })],
    ['invalid_document', positionDoc({ size: 'lots' })],
    ['not_crossed', positionDoc({ stopLoss: 50_000 })],
    ['not_crossed', positionDoc({ stopLoss: null })],
    ['not_crossed', positionDoc({ symbol: 'ETH-USDT' })],
  ])('skips as %s', (reason, doc) => {
    const decision = decideClose(positionHit, at(doc), tape(54_000));
    expect(decision).toMatchObject({ kind: 'skip', reason });
    expect(decision.kind === 'skip' && decision.seen.version).toBe(42);
    expect(decision.kind === 'skip' && decision.seen.item !== null).toBe(reason === 'not_crossed');
  });

  describe('a close already there', () => {
    const ownClose = STOP_LOSS_CLOSE;

    it("is this replica's own for this tape when an earlier commit landed: executed, with what it wrote", () => {
      expect(decideClose(positionHit, at(positionDoc(ownClose)), tape(54_000))).toEqual({
        kind: 'landed',
        reason: 'stop_loss',
        level: 55_000,
        seen: { version: 42, item: null },
      });
    });

    it.each([
      ['another replica', { closedBy: 'worker-b' }],
      ['another tick', { closeTickTime: 1_700_000_000_400 }],
      ['another price', { closePrice: 54_001 }],
      ['a close without its fields', { closeReason: undefined }],
    ])("is someone else's when it was written by %s: not open", (_, overrides) => {
      const decision = decideClose(positionHit, at(positionDoc({ ...ownClose, ...overrides })), tape(54_000));
      expect(decision).toMatchObject({ kind: 'skip', reason: 'not_open' });
    });
  });

  it('hands back the document as it is now when its levels are not crossed', () => {
    const decision = decideClose(
      positionHit,
      at(positionDoc({ symbol: 'ETH-USDT', stopLoss: 2_000 })),
      tape(54_000),
    );
    expect(decision.kind === 'skip' && decision.seen.item).toEqual({
      marketType: 'spot',
      symbol: 'ETH-USDT',
      entry: { path: positionHit.entry.path, side: 'long', size: 1, stopLoss: 2_000, takeProfit: 70_000 },
      version: 42,
    });
  });

  it('writes the level the document holds now when the user moved it and it is still crossed', () => {
    const decision = decideClose(positionHit, at(positionDoc({ stopLoss: 54_500 })), tape(54_000));
    expect(decision.kind === 'write' && decision.fields.closeTriggerPrice).toBe(54_500);
  });

  it('follows the document when it now crosses for the other reason', () => {
    const decision = decideClose(
      positionHit,
      at(positionDoc({ side: 'short', stopLoss: 70_000, takeProfit: 55_000 })),
      tape(54_000),
    );
    expect(decision.kind === 'write' && decision.fields).toMatchObject({
      closeReason: 'take_profit',
      closeTriggerPrice: 55_000,
    });
  });
});

describe('decideClose for a trailing stop', () => {
  // A long with a 5 % trailing stop that fired at level 57,000 (best 60,000) on a trade at 56,900.
  const trailingStop = { callbackRate: 0.05 };
  const doc = positionDoc({ stopLoss: 50_000, trailingStop });
  const hit = makeHit({
    reason: 'trailing_stop',
    level: 57_000,
    entry: {
      stopLoss: 50_000,
      takeProfit: 70_000,
      trailing: { distance: { kind: 'rate', rate: 0.05 }, activationPrice: null },
    },
  });

  it('writes the trailing level and the crossing price on the version the stop fired on', () => {
    expect(decideClose(hit, at(doc), tape(56_900), undefined, 42)).toEqual({
      kind: 'write',
      fields: {
        status: 'closing',
        closeReason: 'trailing_stop',
        closeTriggerPrice: 57_000,
        closePrice: 56_900,
        closeTickTime: 1_700_000_000_500,
        closedBy: 'worker-a',
      },
    });
    expect(closeOfKnownVersion(hit, tape(56_900))).toMatchObject({
      closeReason: 'trailing_stop',
      closeTriggerPrice: 57_000,
    });
  });

  it('on a newer version re-decides only the static levels: its peak was reckoned for the old one', () => {
    // Updated since (version 42, fired on 41): the trailing stop restarted, so this price proves nothing.
    expect(decideClose(hit, at(doc), tape(56_900), undefined, 41)).toMatchObject({
      kind: 'skip',
      reason: 'not_crossed',
    });
    // A static stop the price crosses on the version read still closes, as a stop-loss.
    expect(
      decideClose(hit, at(positionDoc({ stopLoss: 57_500, trailingStop })), tape(56_900), undefined, 41),
    ).toMatchObject({ kind: 'write', fields: { closeReason: 'stop_loss', closeTriggerPrice: 57_500 } });
  });

  it('leaves a position that is no longer open alone, whatever version', () => {
    expect(
      decideClose(hit, at(positionDoc({ status: 'closing', trailingStop })), tape(56_900), undefined, 42),
    ).toMatchObject({ kind: 'skip', reason: 'not_open' });
  });
});

describe('decideFire on the index price', () => {
  it('fires a trigger watching the index price on an index tick only, and marks the executed copy', () => {
    const hit = makeHit({ kind: 'trigger', priceType: 'index', entry: triggerHit.entry });
    const fired = decideFire(hit, at(triggerDoc({ triggerPriceType: 'index' })), undefined, tape(66_000));
    expect(fired).toMatchObject({
      kind: 'write',
      executed: { executedPrice: 66_000, executedPriceType: 'index' },
    });
    const byTrade = decideFire(
      triggerHit,
      at(triggerDoc({ triggerPriceType: 'index' })),
      undefined,
      tape(66_000),
    );
    expect(byTrade).toMatchObject({ kind: 'skip', reason: 'not_crossed' });
  });
});

describe('decideFire', () => {
  it('copies the trigger and adds the execution fields', () => {
    expect(decideFire(triggerHit, at(triggerDoc()), undefined, tape(65_010))).toEqual({
      kind: 'write',
      executed: {
        ...triggerDoc(),
        executedPrice: 65_010,
        executedTickTime: 1_700_000_000_500,
        executedBy: 'worker-a',
      },
      level: 65_000,
      condition: 'above',
    });
  });

  /** The executed copy worker-b wrote for an earlier tick. */
  const executedElsewhere = {
    ...triggerDoc(),
    executedPrice: 65_001,
    executedTickTime: 1,
    executedBy: 'worker-b',
  };

  it.each([
    ['reused_id', triggerDoc(), executedElsewhere],
    ['already_executed', undefined, executedElsewhere],
    ['missing', undefined, undefined],
    ['invalid_document', triggerDoc({ targetPrice: -1 }), undefined],
    ['not_crossed', triggerDoc({ targetPrice: 66_000 }), undefined],
    ['not_crossed', triggerDoc({ condition: 'below' }), undefined],
    ['not_crossed', triggerDoc({ marketType: 'spot', symbol: 'BTC-USDT' }), undefined],
  ])('skips as %s', (reason, doc, executed) => {
    const decision = decideFire(triggerHit, at(doc), executed, tape(65_010));
    expect(decision).toMatchObject({ kind: 'skip', reason });
    expect(decision.kind === 'skip' && decision.seen.item !== null).toBe(reason === 'not_crossed');
  });

  it("finds this replica's own executed copy for this tape when an earlier commit landed: executed", () => {
    const own = {
      ...triggerDoc(),
      executedPrice: 65_010,
      executedTickTime: 1_700_000_000_500,
      executedBy: 'worker-a',
    };
    expect(decideFire(triggerHit, at(undefined), own, tape(65_010))).toEqual({
      kind: 'landed',
      reason: 'above',
      level: 65_000,
      seen: { version: 42, item: null },
    });
    // The same replica's copy for another tick or price is an execution of its own from before: handled.
    for (const other of [{ executedTickTime: 1 }, { executedPrice: 65_011 }]) {
      const decision = decideFire(triggerHit, at(undefined), { ...own, ...other }, tape(65_010));
      expect(decision).toMatchObject({ kind: 'skip', reason: 'already_executed' });
    }
  });

  it('hands back the trigger as it is now when its target is not crossed', () => {
    const decision = decideFire(triggerHit, at(triggerDoc({ targetPrice: 66_000 })), undefined, tape(65_010));
    expect(decision.kind === 'skip' && decision.seen.item).toEqual({
      marketType: 'futures',
      symbol: 'XBTUSDTM',
      entry: { path: triggerHit.entry.path, condition: 'above', targetPrice: 66_000 },
      version: 42,
    });
  });
});
