import type { ContractMargin } from '../../domain/liquidation';

/** Every futures contract KuCoin lists, with its details (SDK spec "Get All Symbols"). */
export const CONTRACTS_ACTIVE_PATH = '/api/v1/contracts/active';

/** Its weight in the Public pool (SDK spec `x-api-rate-limit-weight`). */
export const CONTRACTS_ACTIVE_WEIGHT = 3;

/** KuCoin's success code; an error answers HTTP 200 with another code (100003 for a bad contract). */
const SUCCESS_CODE = '200000';

export interface ContractMarginTable {
  readonly margins: ReadonlyMap<string, ContractMargin>;
  /** Rows left out: no symbol, a `maintainMargin` not a number in [0, 1), an `isInverse` not boolean. */
  readonly skipped: number;
}

/**
 * The contracts' margins from a `/api/v1/contracts/active` body, or undefined when the body is no list of
 * contracts at all (an error code, a changed shape). A malformed row is left out and counted, never
 * guessed at: a wrong rate or contract type would put a liquidation at the wrong price, while a missing
 * one only leaves that contract's positions to their own `liquidationPrice`. Every listed status is kept
 * (a paused contract's open positions still need their margins).
 */
export function parseContractMargins(body: unknown): ContractMarginTable | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { code, data } = body as { code?: unknown; data?: unknown };
  if (code !== SUCCESS_CODE || !Array.isArray(data)) return undefined;
  const margins = new Map<string, ContractMargin>();
  let skipped = 0;
  for (const row of data) {
    const parsed = parseRow(row);
    if (parsed === undefined) skipped++;
    else margins.set(parsed.symbol, parsed.margin);
  }
  return { margins, skipped };
}

function parseRow(row: unknown): { symbol: string; margin: ContractMargin } | undefined {
  if (row === null || typeof row !== 'object') return undefined;
  const { symbol, maintainMargin, isInverse } = row as Record<string, unknown>;
  if (typeof symbol !== 'string' || symbol === '') return undefined;
  if (typeof isInverse !== 'boolean') return undefined;
  // A rate: liquidationPrice() divides by 1 - MMR, so 1 and above are nonsense, not merely risky.
  if (typeof maintainMargin !== 'number' || !(maintainMargin >= 0 && maintainMargin < 1)) return undefined;
  return { symbol, margin: { isInverse, maintenanceMarginRate: maintainMargin } };
}

/** Whether two tables hold the same contracts with the same values. */
export function sameMargins(
  a: ReadonlyMap<string, ContractMargin>,
  b: ReadonlyMap<string, ContractMargin>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [symbol, margin] of a) {
    const other = b.get(symbol);
    if (
      other === undefined ||
      other.isInverse !== margin.isInverse ||
      other.maintenanceMarginRate !== margin.maintenanceMarginRate
    )
      return false;
  }
  return true;
}
