export default async function globalTeardown(): Promise<void> {
  await globalThis.__FIRESTORE_EMULATOR__?.stop();
}
