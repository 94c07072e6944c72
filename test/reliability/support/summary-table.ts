import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

export const SUMMARY_FILE_ENV = 'RELIABILITY_SUMMARY_FILE';

export interface SummaryRow {
  readonly scenario: string;
  readonly expected: number;
  readonly executed: number;
  readonly duplicates: number;
  readonly missed: number;
  readonly wronglyTouched: number;
}

/**
 * Spec files run in Jest workers, the teardown in the parent: rows travel through a file. A row is
 * recorded before the spec asserts on it, so a failing scenario still shows in the table.
 */
export function recordRow(row: SummaryRow): void {
  const file = process.env[SUMMARY_FILE_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
}

export function formatTable(rows: readonly SummaryRow[]): string {
  const header = ['scenario', 'expected', 'executed', 'duplicates', 'missed', 'wrongly touched'];
  const cells = rows.map((r) => [
    r.scenario,
    ...[r.expected, r.executed, r.duplicates, r.missed, r.wronglyTouched].map(String),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]): string =>
    `| ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

/** Prints the collected rows to stdout (CI logs) and removes the file. */
export function printSummary(): void {
  const file = process.env[SUMMARY_FILE_ENV];
  if (!file || !existsSync(file)) {
    process.stdout.write('\nReliability summary: no scenario recorded a row\n');
    return;
  }
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as SummaryRow);
  process.stdout.write(`\nReliability summary\n${formatTable(rows)}\n\n`);
  rmSync(dirname(file), { recursive: true, force: true });
}
