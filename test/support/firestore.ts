import { App, deleteApp, initializeApp } from 'firebase-admin/app';
import { Firestore, getFirestore } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';
import { clearEmulatorProject } from '../../tools/firestore-emulator';

/** A project id of its own for a spec, so specs never see each other's documents on the shared emulator. */
export function uniqueProjectId(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function emulatorHost(): string {
  const host = process.env.FIRESTORE_EMULATOR_HOST;
  if (!host)
    throw new Error('FIRESTORE_EMULATOR_HOST is not set: run e2e specs through test/jest-e2e.config.js');
  return host;
}

export interface TestFirestore {
  readonly db: Firestore;
  readonly projectId: string;
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** A firebase-admin client of the spec's own, for seeding and asserting: the code under test has its own. */
export function openTestFirestore(projectId = uniqueProjectId()): TestFirestore {
  const host = emulatorHost();
  const app: App = initializeApp({ projectId }, `spec-${projectId}-${randomUUID()}`);
  const db = getFirestore(app);
  return {
    db,
    projectId,
    clear: () => clearWithRetry(host, projectId),
    async close(): Promise<void> {
      await deleteApp(app);
    },
  };
}

/** Attempts and first pause of `clearWithRetry`; the pause doubles after each failed attempt. */
const CLEAR_ATTEMPTS = 5;
const CLEAR_BACKOFF_MS = 100;

/**
 * The emulator's bulk delete can answer HTTP 500 (or drop the connection) on a loaded machine, while the
 * same request succeeds moments later: retried a few times with a short backoff before the spec fails.
 */
async function clearWithRetry(host: string, projectId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await clearEmulatorProject(host, projectId);
    } catch (error) {
      if (attempt >= CLEAR_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, CLEAR_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
}
