import { Timestamp } from 'firebase-admin/firestore';
import { closedPositionEvent, executedTriggerEvent } from './execution-events';

describe('execution events read back from Firestore', () => {
  it('describes a position the worker marked closing', () => {
    const event = closedPositionEvent('users/demo-bob/openPositions/pos-3', {
      symbol: 'ETH-USDT',
      marketType: 'spot',
      side: 'long',
      status: 'closing',
      closeReason: 'stop_loss',
      closeTriggerPrice: 2_992.5,
      closePrice: 2_991.8,
      closeTickTime: 1_000,
      closeRequestedAt: Timestamp.fromMillis(1_035),
    });
    expect(event).toEqual({
      kind: 'position',
      path: 'users/demo-bob/openPositions/pos-3',
      uid: 'demo-bob',
      symbol: 'ETH-USDT',
      marketType: 'spot',
      side: 'long',
      reason: 'stop_loss',
      level: 2_992.5,
      fill: 2_991.8,
      tickTime: 1_000,
      writtenAt: 1_035,
    });
  });

  it('ignores positions that are still open, and documents elsewhere in the tree', () => {
    expect(
      closedPositionEvent('users/u/openPositions/p', { status: 'open', marketType: 'spot' }),
    ).toBeUndefined();
    expect(
      closedPositionEvent('other/u/openPositions/p', { status: 'closing', marketType: 'spot' }),
    ).toBeUndefined();
  });

  it('describes an executed trigger, before its server timestamp resolves too', () => {
    const event = executedTriggerEvent('users/demo-erin/executedTriggers/trg-5', {
      symbol: 'XBTUSDTM',
      marketType: 'futures',
      side: 'long',
      condition: 'above',
      targetPrice: 61_000,
      executedPrice: 61_000.3,
      executedTickTime: 2_000,
      executedAt: null,
    });
    expect(event).toMatchObject({ kind: 'trigger', uid: 'demo-erin', reason: 'above', fill: 61_000.3 });
    expect(event?.writtenAt).toBeUndefined();
  });
});
