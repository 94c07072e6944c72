import { collectorConfig } from './collector.config';
import { executionConfig } from './execution.config';
import { executionStoreConfig } from './execution-store.config';
import { firestoreConfig } from './firestore.config';
import { httpConfig } from './http.config';
import { instanceConfig } from './instance.config';
import { kucoinConfig } from './kucoin.config';

export * from './collector.config';
export * from './execution.config';
export * from './execution-store.config';
export * from './firestore.config';
export * from './http.config';
export * from './instance.config';
export * from './kucoin.config';
export { ConfigError } from './parse-env';

/** Every namespace, loaded eagerly at boot so a bad value stops start-up before anything connects. */
export const ALL_CONFIGS = [
  httpConfig,
  instanceConfig,
  firestoreConfig,
  kucoinConfig,
  collectorConfig,
  executionConfig,
  executionStoreConfig,
];

/** Runs every namespace's validation once, before Nest starts, so a bad value is one line and nothing else. */
export function validateEnvironment(): void {
  for (const load of ALL_CONFIGS) load();
}
