import { registerAs } from '@nestjs/config';
import { CronTime } from 'cron';
import { z } from 'zod';
import { enumVar, intVar, parseEnv } from './parse-env';

export const CACHE_MODES = ['listen', 'poll'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

const YEAR_MS = 366 * 86_400_000;
const EXAMPLE = 'such as "*/30 * * * * *"';

/**
 * Why `expression` cannot schedule the collector, or undefined if it can. Parsing alone is not enough:
 * `0 0 31 2 *` (31 February) parses, and the cron library only finds out at start that it never fires.
 * The next two fire times must each be within a year (of now, then of each other), so a schedule that
 * fires rarely (29 February) fails the same way whatever the date of the start.
 */
export function cronProblem(expression: string, now: number = Date.now()): string | undefined {
  let time: CronTime;
  try {
    time = new CronTime(expression);
  } catch {
    return `must be a cron expression ${EXAMPLE}`;
  }
  const yearly = `must be a cron expression that fires at least once a year, ${EXAMPLE}`;
  try {
    const [first, second] = time.sendAt(2).map((at) => at.toMillis());
    return first - now <= YEAR_MS && second - first <= YEAR_MS ? undefined : yearly;
  } catch {
    // The library searches eight years ahead and throws a multi-line message when nothing matches.
    return yearly;
  }
}

/** How the in-memory books are filled: a full collection on a cron schedule, plus live listeners in `listen` mode. */
export const collectorConfig = registerAs('collector', () => {
  const env = parseEnv({
    COLLECTOR_CRON: z
      .string()
      .superRefine((expression, context) => {
        const problem = cronProblem(expression);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      })
      .default('*/30 * * * * *'),
    CACHE_MODE: enumVar(CACHE_MODES, 'listen'),
    // In listen mode a full read only reconciles; at 1 % of documents changing a minute, once an hour
    // reads about 75 times less than a read every 30 s. 0 reconciles on every collector run.
    RECONCILE_INTERVAL_MS: intVar(3_600_000, 0, 86_400_000),
    // A full read goes in pages of this many documents per collection, each parsed as it arrives: at a
    // million documents no single step holds the event loop, and a slow read fails one page at a time.
    COLLECTOR_PAGE_SIZE: intVar(5_000, 100, 50_000),
    // A page not read through by then fails the run (the page is still read to its end, unparsed; the next
    // run waits for it).
    COLLECTOR_PAGE_TIMEOUT_MS: intVar(20_000, 1_000, 600_000),
    // The one-document probe of a listen-mode run that does not reconcile: short, since through a cut
    // connection a read hangs instead of failing.
    COLLECTOR_PROBE_TIMEOUT_MS: intVar(5_000, 100, 60_000),
    // In listen mode the listeners' first snapshots are the first load (each document read once at start);
    // if they have neither arrived nor failed by then, the collector reads in full.
    LISTENER_FIRST_SNAPSHOT_TIMEOUT_MS: intVar(300_000, 1_000, 3_600_000),
  });
  return {
    cron: env.COLLECTOR_CRON,
    cacheMode: env.CACHE_MODE,
    reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
    pageSize: env.COLLECTOR_PAGE_SIZE,
    pageTimeoutMs: env.COLLECTOR_PAGE_TIMEOUT_MS,
    probeTimeoutMs: env.COLLECTOR_PROBE_TIMEOUT_MS,
    firstSnapshotTimeoutMs: env.LISTENER_FIRST_SNAPSHOT_TIMEOUT_MS,
  };
});
export type CollectorConfig = ReturnType<typeof collectorConfig>;
