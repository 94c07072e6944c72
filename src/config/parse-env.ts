import { z } from 'zod';

/** Thrown at boot when an environment variable is missing or wrong; its message is the one line an operator sees. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Shape = Record<string, z.ZodType>;

/**
 * Validates one concern's slice of the environment. Keys of `shape` are the variable names, so the
 * error names exactly the variable at fault and what was expected of it.
 */
export function parseEnv<S extends Shape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const slice: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const raw = env[key];
    slice[key] = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  }
  const result = z.object(shape).safeParse(slice);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue.path[0] ?? 'environment');
    const shown = slice[variable] === undefined ? 'missing' : `got "${slice[variable]}"`;
    throw new ConfigError(`Invalid configuration: ${variable} ${issue.message} (${shown})`);
  }
  return result.data;
}

/** An integer-valued variable within bounds, with a default. */
export function intVar(defaultValue: number, min: number, max: number) {
  return z.coerce
    .number({ error: `must be an integer between ${min} and ${max}` })
    .int({ error: `must be an integer between ${min} and ${max}` })
    .min(min, { error: `must be an integer between ${min} and ${max}` })
    .max(max, { error: `must be an integer between ${min} and ${max}` })
    .default(defaultValue);
}

/** An http(s) base URL, with a default; trailing slashes are dropped so paths can be appended. */
export function urlVar(defaultValue: string) {
  return z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.kucoin.com' })
    .default(defaultValue)
    .transform((url) => url.replace(/\/+$/, ''));
}

export function enumVar<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` }).default(defaultValue);
}
