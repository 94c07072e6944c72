import { startFirestoreEmulator, FirestoreEmulator } from '../../tools/firestore-emulator';

declare global {
  var __FIRESTORE_EMULATOR__: FirestoreEmulator | undefined;
}

/**
 * One real Firestore emulator for the whole e2e run. Workers are forked after this, so the variables set
 * here reach every spec. Each spec file uses a project id of its own, which isolates its data.
 */
export default async function globalSetup(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const emulator = await startFirestoreEmulator();
  globalThis.__FIRESTORE_EMULATOR__ = emulator;
  process.env.FIRESTORE_EMULATOR_HOST = emulator.hostPort;
}
