import { EXECUTED_TRIGGERS, OPEN_POSITIONS, parseUserDocumentPath } from '../../../src/domain/document-paths';
import { isMarketType } from '../../../src/domain/market';
import type { ExecutionEvent } from '../display/display.types';

type Data = Record<string, unknown>;

function millis(value: unknown): number | undefined {
  const toMillis = (value as { toMillis?: unknown } | null | undefined)?.toMillis;
  return typeof toMillis === 'function' ? (toMillis.call(value) as number) : undefined;
}

function text(data: Data, field: string): string {
  const value = data[field];
  return typeof value === 'string' ? value : '?';
}

function num(data: Data, field: string): number {
  const value = data[field];
  return typeof value === 'number' ? value : Number.NaN;
}

/** A position the worker marked `closing`, read back from Firestore; undefined for any other state. */
export function closedPositionEvent(path: string, data: Data): ExecutionEvent | undefined {
  const location = parseUserDocumentPath(path, OPEN_POSITIONS);
  const marketType = data.marketType;
  if (!location || data.status !== 'closing' || !isMarketType(marketType)) return undefined;
  return {
    kind: 'position',
    path,
    uid: location.uid,
    symbol: text(data, 'symbol'),
    marketType,
    side: text(data, 'side'),
    reason: text(data, 'closeReason'),
    level: num(data, 'closeTriggerPrice'),
    fill: num(data, 'closePrice'),
    tickTime: num(data, 'closeTickTime'),
    writtenAt: millis(data.closeRequestedAt),
  };
}

/** A trigger the worker moved to executedTriggers. */
export function executedTriggerEvent(path: string, data: Data): ExecutionEvent | undefined {
  const location = parseUserDocumentPath(path, EXECUTED_TRIGGERS);
  const marketType = data.marketType;
  if (!location || !isMarketType(marketType)) return undefined;
  return {
    kind: 'trigger',
    path,
    uid: location.uid,
    symbol: text(data, 'symbol'),
    marketType,
    side: text(data, 'side'),
    reason: text(data, 'condition'),
    level: num(data, 'targetPrice'),
    fill: num(data, 'executedPrice'),
    tickTime: num(data, 'executedTickTime'),
    writtenAt: millis(data.executedAt),
  };
}
