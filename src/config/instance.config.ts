import { registerAs } from '@nestjs/config';
import { hostname } from 'node:os';
import { z } from 'zod';
import { enumVar, parseEnv } from './parse-env';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Who this replica is (written into every execution as `closedBy` / `executedBy`) and how it logs. */
export const instanceConfig = registerAs('instance', () => {
  const env = parseEnv({
    INSTANCE_ID: z
      .string()
      .max(128, { error: 'must be at most 128 characters' })
      .regex(/^[\w.:-]+$/, { error: 'must contain only letters, digits, ".", ":", "_" or "-"' })
      .optional(),
    LOG_LEVEL: enumVar(LOG_LEVELS, 'info'),
  });
  return {
    instanceId: env.INSTANCE_ID ?? hostname(),
    logLevel: env.LOG_LEVEL,
  };
});
export type InstanceConfig = ReturnType<typeof instanceConfig>;
