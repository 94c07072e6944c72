import 'reflect-metadata';
import { DEMO_USAGE, DemoArgsError, parseDemoArgs } from './demo-args';
import { DEMO_INSTANCE_ID, DEMO_PROJECT_ID } from './demo.constants';

/**
 * `npm run demo`: the worker on this machine with nothing to configure. Only argument parsing and the
 * environment happen here; everything that loads firebase-admin is imported after the environment is set,
 * so it never goes looking for a cloud metadata server.
 */
async function main(): Promise<number> {
  let args;
  try {
    args = parseDemoArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof DemoArgsError)) throw error;
    process.stderr.write(`${error.message}\n\n${DEMO_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  const { findEmulator, EMULATOR_INSTALL_HELP } = await import('../firestore-emulator');
  if (!findEmulator()) {
    process.stderr.write(`${EMULATOR_INSTALL_HELP}\n`);
    return 1;
  }
  Object.assign(process.env, {
    METADATA_SERVER_DETECTION: 'none',
    FIREBASE_PROJECT_ID: DEMO_PROJECT_ID,
    INSTANCE_ID: process.env.INSTANCE_ID ?? DEMO_INSTANCE_ID,
    // The worker's Nest logger writes to a file; this quiets anything that would log through pino to stdout.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // Ctrl-C should not wait the production grace period for transactions on a local emulator.
    SHUTDOWN_GRACE_MS: process.env.SHUTDOWN_GRACE_MS ?? '2000',
  });
  // The emulator needs no credentials; a developer's service-account key must not leak into the demo.
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  const { runDemo } = await import('./run-demo');
  return runDemo(args);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `The demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
