import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts and stops a local Cloud Firestore emulator for tests, benchmarks and the demo.
 * The launcher script forks a JVM, so the emulator runs in its own process group and is stopped as a
 * group: stopping only the script would leave the JVM running after the tests.
 */
export interface FirestoreEmulator {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the value for FIRESTORE_EMULATOR_HOST. */
  readonly hostPort: string;
  readonly pid: number;
  clear(projectId: string): Promise<void>;
  stop(): Promise<void>;
}

export const EMULATOR_INSTALL_HELP =
  'No Cloud Firestore emulator was found. Install one of: the Google Cloud CLI component ' +
  '(`gcloud components install cloud-firestore-emulator`, or the Debian/Ubuntu package ' +
  '`google-cloud-cli-firestore-emulator`), which provides ' +
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator; or the Firebase CLI ' +
  'jar (`npx firebase-tools setup:emulators:firestore`, cached under ~/.cache/firebase/emulators). ' +
  'Java 11 or newer must be on the PATH. FIRESTORE_EMULATOR_BIN may name the launcher script directly.';

const GCLOUD_LAUNCHERS = [
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator',
  '/usr/share/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator',
  '/opt/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator',
  join(homedir(), 'google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator'),
];

interface Launch {
  readonly command: string;
  readonly args: (host: string, port: number) => string[];
}

export function findEmulator(env: NodeJS.ProcessEnv = process.env): Launch | null {
  const explicit = env.FIRESTORE_EMULATOR_BIN;
  const script = [explicit, ...GCLOUD_LAUNCHERS].find((path): path is string => !!path && existsSync(path));
  if (script) return { command: script, args: (host, port) => ['start', `--host=${host}`, `--port=${port}`] };
  const jar = findFirebaseJar();
  if (jar)
    return { command: 'java', args: (host, port) => ['-jar', jar, '--host', host, '--port', String(port)] };
  return null;
}

function findFirebaseJar(): string | null {
  const dir = join(homedir(), '.cache/firebase/emulators');
  if (!existsSync(dir)) return null;
  const jar = readdirSync(dir)
    .filter((name) => /^cloud-firestore-emulator-v[\d.]+\.jar$/.test(name))
    .sort()
    .pop();
  return jar ? join(dir, jar) : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  readonly port?: number;
  readonly host?: string;
  readonly startTimeoutMs?: number;
  /** Where the emulator's own output goes; by default it is discarded. */
  readonly onOutput?: (line: string) => void;
}

export async function startFirestoreEmulator(options: StartOptions = {}): Promise<FirestoreEmulator> {
  const launch = findEmulator();
  if (!launch) throw new Error(EMULATOR_INSTALL_HELP);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const child = spawn(launch.command, launch.args(host, port), {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, JAVA_TOOL_OPTIONS: process.env.JAVA_TOOL_OPTIONS ?? '-Xss4m' },
  });
  const forward = (chunk: Buffer): void => options.onOutput?.(chunk.toString('utf8'));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const emulator = makeHandle(child, host, port);
  try {
    await waitUntilAnswering(`http://${host}:${port}/`, child, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  return emulator;
}

function makeHandle(child: ChildProcess, host: string, port: number): FirestoreEmulator {
  const pid = child.pid ?? 0;
  return {
    host,
    port,
    hostPort: `${host}:${port}`,
    pid,
    clear: (projectId: string) => clearEmulatorProject(`${host}:${port}`, projectId),
    stop: () => stopProcessGroup(child),
  };
}

/** Deletes every document of one project on the emulator at `hostPort`, through its REST endpoint. */
export async function clearEmulatorProject(hostPort: string, projectId: string): Promise<void> {
  const url = `http://${hostPort}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE' });
  if (!response.ok) throw new Error(`Clearing the emulator failed: HTTP ${response.status}`);
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The Firestore emulator exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet: keep polling until the deadline.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The Firestore emulator did not answer on ${url} within ${timeoutMs} ms`);
}

/** SIGTERM to the whole group, then SIGKILL if the JVM is still there after a few seconds. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // The launcher may exit before its JVM: make sure nothing of the group survives.
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
