import { registerAs } from '@nestjs/config';
import { enumVar, parseEnv } from './parse-env';

/** How an execution is written to Firestore. */
export const executionStoreConfig = registerAs('executionStore', () => {
  const env = parseEnv({
    EXECUTION_WRITE_PATH: enumVar(['conditional', 'transaction'], 'conditional'),
  });
  return {
    /**
     * `conditional`: a close whose document version the cache knows is one write without a read, on a
     * `lastUpdateTime` precondition (a transaction runs only if the document changed since); `transaction`:
     * every execution reads first. Exactly once either way.
     */
    writePath: env.EXECUTION_WRITE_PATH,
  };
});
export type ExecutionStoreConfig = ReturnType<typeof executionStoreConfig>;
