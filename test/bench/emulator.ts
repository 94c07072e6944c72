import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { type Firestore, getFirestore } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { type FirestoreEmulator, startFirestoreEmulator } from '../../tools/firestore-emulator';

let started: Promise<FirestoreEmulator> | undefined;

/**
 * One Firestore emulator for the scenarios that need it, started on first use and stopped (its whole
 * process group) by stopBenchEmulator, which run.ts calls on exit, on error and on Ctrl-C.
 */
export function benchEmulator(): Promise<FirestoreEmulator> {
  if (!started) {
    process.env.METADATA_SERVER_DETECTION = 'none';
    started = startFirestoreEmulator().then((emulator) => {
      process.env.FIRESTORE_EMULATOR_HOST = emulator.hostPort;
      return emulator;
    });
  }
  return started;
}

export async function stopBenchEmulator(): Promise<void> {
  const pending = started;
  started = undefined;
  if (pending) await (await pending.catch(() => undefined))?.stop();
}

export interface BenchDb {
  readonly db: Firestore;
  readonly projectId: string;
  close(): Promise<void>;
}

/**
 * A firebase-admin client of its own on a fresh project id (explicit, so no metadata server is asked),
 * talking to the emulator directly or through `via` (a proxy's host:port).
 */
export async function openBenchDb(prefix: string, via?: string): Promise<BenchDb> {
  const emulator = await benchEmulator();
  const projectId = `${prefix}-${randomUUID().slice(0, 8)}`;
  const app: App = initializeApp({ projectId }, `bench-${projectId}`);
  // The client takes its address from the environment when it is created, and only then.
  process.env.FIRESTORE_EMULATOR_HOST = via ?? emulator.hostPort;
  try {
    const db = getFirestore(app);
    return { db, projectId, close: () => deleteApp(app) };
  } finally {
    process.env.FIRESTORE_EMULATOR_HOST = emulator.hostPort;
  }
}

/** Writes documents in batches of 500 (Firestore's limit per batch). */
export async function writeAll(
  db: Firestore,
  docs: ReadonlyMap<string, Record<string, unknown>>,
): Promise<void> {
  const entries = [...docs];
  for (let i = 0; i < entries.length; i += 500) {
    const batch = db.batch();
    for (const [path, data] of entries.slice(i, i + 500)) batch.set(db.doc(path), data);
    await batch.commit();
  }
}

/** CPU seconds (user + system) used so far by the emulator's process group (the JVM), from /proc; 0 elsewhere. */
export async function emulatorCpuSeconds(): Promise<number> {
  const group = (await benchEmulator()).pid;
  let ticks = 0;
  for (const pid of safeList('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // the process ended while the list was read
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state, ppid, pgrp, ... utime is field 14 and stime 15 of the whole line.
    if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
