import type { Firestore } from 'firebase-admin/firestore';
import { readAll } from '../../support/worker-harness';
import type { Expectation } from './price-path';
import { type SummaryRow, recordRow } from './summary-table';

export interface EndState {
  readonly positions: Map<string, Record<string, unknown>>;
  readonly triggers: Map<string, Record<string, unknown>>;
  readonly executed: Map<string, Record<string, unknown>>;
}

export async function readEndState(db: Firestore): Promise<EndState> {
  const [positions, triggers, executed] = await Promise.all([
    readAll(db, 'openPositions'),
    readAll(db, 'tradeTriggers'),
    readAll(db, 'executedTriggers'),
  ]);
  return { positions, triggers, executed };
}

/** A position the worker wrote to: marked closing, or carrying any of the fields a close writes. */
function closed(doc: Record<string, unknown>): boolean {
  return doc.status === 'closing' || doc.closedBy !== undefined || doc.closeReason !== undefined;
}

/** Documents the worker wrote: closed positions plus executed triggers. */
export function executedDocuments(state: EndState): number {
  return [...state.positions.values()].filter(closed).length + state.executed.size;
}

export interface Verdict extends SummaryRow {
  /** One line per document that differs from the oracle, for the failure message. */
  readonly problems: string[];
}

/**
 * Compares the end state with the oracle, document by document. `executedOutcomes` is the sum of every
 * worker's `executed` outcomes: the excess over the documents actually executed is a doubled execution.
 * A document executed with the wrong reason, level or price counts as wrongly touched.
 */
export function judge(options: {
  readonly scenario: string;
  readonly state: EndState;
  readonly positions: ReadonlyMap<string, Expectation>;
  readonly triggers: ReadonlyMap<string, Expectation>;
  readonly executedOutcomes: number;
}): Verdict {
  const { state } = options;
  const problems: string[] = [];
  let expected = 0;
  let missed = 0;
  let wrong = 0;
  for (const [path, expectation] of options.positions) {
    const doc = state.positions.get(path);
    if (expectation.crossed) expected++;
    if (doc === undefined) {
      wrong++;
      problems.push(`${path}: deleted`);
    } else if (!expectation.crossed) {
      if (closed(doc)) {
        wrong++;
        problems.push(`${path}: never crossed but ${String(doc.status)} (${String(doc.closeReason)})`);
      }
    } else if (!closed(doc)) {
      missed++;
      problems.push(`${path}: crossed (${expectation.reason} at ${expectation.price}) but still open`);
    } else if (
      doc.status !== 'closing' ||
      doc.closeReason !== expectation.reason ||
      doc.closeTriggerPrice !== expectation.level ||
      doc.closePrice !== expectation.price
    ) {
      wrong++;
      problems.push(
        `${path}: expected closing/${expectation.reason}/${expectation.level}/${expectation.price}, got ` +
          `${String(doc.status)}/${String(doc.closeReason)}/${String(doc.closeTriggerPrice)}/${String(doc.closePrice)}`,
      );
    }
  }
  for (const [path, expectation] of options.triggers) {
    const executedPath = path.replace('/tradeTriggers/', '/executedTriggers/');
    const executed = state.executed.get(executedPath);
    const stillThere = state.triggers.has(path);
    if (expectation.crossed) expected++;
    if (!expectation.crossed) {
      if (executed !== undefined || !stillThere) {
        wrong++;
        problems.push(`${path}: never crossed but executed=${executed !== undefined} deleted=${!stillThere}`);
      }
    } else if (executed === undefined) {
      missed++;
      problems.push(`${path}: crossed at ${expectation.price} but not executed (deleted=${!stillThere})`);
    } else if (stillThere || executed.executedPrice !== expectation.price) {
      wrong++;
      problems.push(
        `${path}: executed at ${String(executed.executedPrice)} (expected ${expectation.price}), trigger left=${stillThere}`,
      );
    }
  }
  for (const path of state.executed.keys()) {
    if (!options.triggers.has(path.replace('/executedTriggers/', '/tradeTriggers/'))) {
      wrong++;
      problems.push(`${path}: executed trigger with no seeded trigger`);
    }
  }
  const executed = executedDocuments(state);
  const row = {
    scenario: options.scenario,
    expected,
    executed,
    duplicates: options.executedOutcomes - executed,
    missed,
    wronglyTouched: wrong,
  };
  recordRow(row);
  return { ...row, problems };
}

/** The assertions every scenario makes on its row; problems are printed first so a failure explains itself. */
export function expectClean(verdict: Verdict): void {
  if (verdict.problems.length > 0)
    process.stderr.write(`${verdict.scenario}:\n  ${verdict.problems.slice(0, 30).join('\n  ')}\n`);
  expect(verdict.expected).toBeGreaterThan(0);
  expect({
    duplicates: verdict.duplicates,
    missed: verdict.missed,
    wronglyTouched: verdict.wronglyTouched,
    executed: verdict.executed,
  }).toEqual({ duplicates: 0, missed: 0, wronglyTouched: 0, executed: verdict.expected });
}
