/**
 * Sets environment variables for a worker about to be compiled (configuration is read then, and
 * firebase-admin reads some lazily) and returns what puts the previous environment back.
 */
export function overrideEnv(vars: Record<string, string>): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  return () => {
    process.env = saved;
  };
}
