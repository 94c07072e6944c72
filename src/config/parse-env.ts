import { z } from 'zod';

/** Thrown at boot when an environment variable is missing or wrong; its message is the one line an operator sees. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Shape = Record<string, z.ZodType>;

/** Schemas that see the raw value: a padded number is a mistake to name, not to tidy up. */
const UNTRIMMED = new WeakSet<z.ZodType>();

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
    if (raw === undefined || raw.trim() === '') slice[key] = undefined;
    else slice[key] = UNTRIMMED.has(shape[key]) ? raw : raw.trim();
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

/**
 * One line naming a rule across variables, in the same form as parseEnv's: the variable at fault, what is
 * expected, and every value the rule compared (defaults included, so an unset variable is visible too).
 */
export function crossFieldError(
  variable: string,
  expected: string,
  values: Record<string, number>,
): ConfigError {
  const shown = Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return new ConfigError(`Invalid configuration: ${variable} ${expected} (got ${shown})`);
}

/**
 * Throws unless `env[lower] <= env[upper] - margin` (both integer variables of the same parsed slice): a
 * backoff base above its cap, a grace that leaves no room before a deadline. `why` ends the expectation.
 */
export function requireAtMost(
  env: Record<string, unknown>,
  lower: string,
  upper: string,
  options: { margin?: number; why?: string } = {},
): void {
  const { margin = 0, why = '' } = options;
  const low = env[lower] as number;
  const high = env[upper] as number;
  if (low <= high - margin) return;
  const bound = margin === 0 ? upper : `${upper} - ${margin}`;
  throw crossFieldError(lower, `must be at most ${bound}${why}`, { [lower]: low, [upper]: high });
}

/**
 * An integer-valued variable within bounds, with a default. Plain decimal digits only (a leading minus only
 * where the bounds allow negatives): Number() would also take "0x10", "1e3", "5.0" or " 5 ", and "010" reads
 * as octal to some. Whatever else is given fails with the same line.
 */
export function intVar(defaultValue: number, min: number, max: number) {
  const error = `must be an integer between ${min} and ${max}`;
  const digits = min < 0 ? /^-?(0|[1-9]\d*)$/ : /^(0|[1-9]\d*)$/;
  const schema = z
    .string()
    .regex(digits, { error })
    .transform(Number)
    .pipe(z.number().int({ error }).min(min, { error }).max(max, { error }))
    .default(defaultValue);
  UNTRIMMED.add(schema);
  return schema;
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
