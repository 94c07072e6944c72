import { registerAs } from '@nestjs/config';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_LISTEN_PARTITIONS } from '../firestore/watch-thread/listen-partitions';
import { ConfigError, intVar, parseEnv } from './parse-env';

/**
 * Which Firestore to talk to. `FIRESTORE_EMULATOR_HOST` is read by firebase-admin itself and switches it
 * to the emulator; `GOOGLE_APPLICATION_CREDENTIALS` names a service-account key. Without either, the
 * Google application-default credentials are used (Workload Identity on GKE).
 * The project id is always explicit, so firebase-admin never has to ask a metadata server for it.
 */
export const firestoreConfig = registerAs('firestore', () => {
  const env = parseEnv({
    FIREBASE_PROJECT_ID: z
      .string()
      .regex(/^[a-z][a-z0-9-]{3,61}$/, { error: 'must be a Firebase project id such as "my-project"' })
      .optional(),
    FIRESTORE_EMULATOR_HOST: z
      .string()
      .regex(/^[\w.-]+:\d{1,5}$/, { error: 'must be host:port, such as 127.0.0.1:8080' })
      .optional(),
    GOOGLE_APPLICATION_CREDENTIALS: z.string().optional(),
    // Each listener split by uid into this many, opened one after another: a first snapshot in parts,
    // none of them waiting on the whole collection (see listen-partitions).
    FIRESTORE_LISTEN_PARTITIONS: intVar(1, 1, MAX_LISTEN_PARTITIONS),
  });
  const projectId = env.FIREBASE_PROJECT_ID ?? projectIdFromCredentials(env.GOOGLE_APPLICATION_CREDENTIALS);
  if (!projectId) {
    throw new ConfigError(
      'Invalid configuration: FIREBASE_PROJECT_ID is required (or GOOGLE_APPLICATION_CREDENTIALS naming a ' +
        'service-account key that has a project_id); set FIRESTORE_EMULATOR_HOST too to use the emulator (missing)',
    );
  }
  return {
    projectId,
    emulatorHost: env.FIRESTORE_EMULATOR_HOST,
    credentialsFile: env.GOOGLE_APPLICATION_CREDENTIALS,
    listenPartitions: env.FIRESTORE_LISTEN_PARTITIONS,
  };
});
export type FirestoreConfig = ReturnType<typeof firestoreConfig>;

function projectIdFromCredentials(file: string | undefined): string | undefined {
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration: GOOGLE_APPLICATION_CREDENTIALS must name a readable JSON key file (${(error as Error).message})`,
    );
  }
  const projectId = (parsed as { project_id?: unknown }).project_id;
  return typeof projectId === 'string' && projectId !== '' ? projectId : undefined;
}
