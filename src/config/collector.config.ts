import { registerAs } from '@nestjs/config';
import { CronTime } from 'cron';
import { z } from 'zod';
import { enumVar, intVar, parseEnv } from './parse-env';

export const CACHE_MODES = ['listen', 'poll'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

function isCronExpression(expression: string): boolean {
  try {
    new CronTime(expression);
    return true;
  } catch {
    return false;
  }
}

/** How the in-memory books are filled: a full collection on a cron schedule, plus live listeners in `listen` mode. */
export const collectorConfig = registerAs('collector', () => {
  const env = parseEnv({
    COLLECTOR_CRON: z
      .string()
      .refine(isCronExpression, { error: 'must be a cron expression such as "*/30 * * * * *"' })
      .default('*/30 * * * * *'),
    CACHE_MODE: enumVar(CACHE_MODES, 'listen'),
    // In listen mode a full read only reconciles; at 1 % of documents changing a minute, once an hour
    // reads about 75 times less than a read every 30 s. 0 reconciles on every collector run.
    RECONCILE_INTERVAL_MS: intVar(3_600_000, 0, 86_400_000),
  });
  return {
    cron: env.COLLECTOR_CRON,
    cacheMode: env.CACHE_MODE,
    reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
  };
});
export type CollectorConfig = ReturnType<typeof collectorConfig>;
