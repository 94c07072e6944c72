import type { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { ALL_CONFIGS } from '../../src/config';
import { FirestoreTransactionService } from '../../src/execution/firestore-transaction.service';
import { FirestoreModule } from '../../src/firestore/firestore.module';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { overrideEnv } from './env';
import { type TestFirestore, openTestFirestore } from './firestore';

/**
 * One replica's execution store (FirestoreTransactionService) on a Firestore client of its own, wired as
 * the service wires it, with its configuration read from `env` on top of the project and instance id.
 */
export async function startStoreWorker(
  projectId: string,
  instanceId: string,
  env: Record<string, string> = {},
): Promise<INestApplicationContext> {
  const restore = overrideEnv({ FIREBASE_PROJECT_ID: projectId, INSTANCE_ID: instanceId, ...env });
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: ALL_CONFIGS }),
        MetricsModule,
        FirestoreModule,
      ],
      providers: [FirestoreTransactionService],
    }).compile();
    moduleRef.enableShutdownHooks();
    return await moduleRef.init();
  } finally {
    restore();
  }
}

/** Two replicas' execution stores on one fresh emulator project, as the two-replica specs need. */
export interface StorePair {
  readonly store: TestFirestore;
  readonly workers: readonly [INestApplicationContext, INestApplicationContext];
  readonly a: FirestoreTransactionService;
  readonly b: FirestoreTransactionService;
  close(): Promise<void>;
}

export async function startStorePair(env: Record<string, string> = {}): Promise<StorePair> {
  const store = openTestFirestore();
  const workerA = await startStoreWorker(store.projectId, 'worker-a', env);
  const workerB = await startStoreWorker(store.projectId, 'worker-b', env);
  return {
    store,
    workers: [workerA, workerB],
    a: workerA.get(FirestoreTransactionService),
    b: workerB.get(FirestoreTransactionService),
    close: async () => {
      await workerA.close();
      await workerB.close();
      await store.close();
    },
  };
}
