import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectorConfig } from './collector.config';
import { executionConfig } from './execution.config';
import { firestoreConfig } from './firestore.config';
import { httpConfig } from './http.config';
import { instanceConfig } from './instance.config';
import { kucoinConfig } from './kucoin.config';
import { ConfigError } from './parse-env';

const saved = { ...process.env };

function withEnv(env: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) {
    if (
      /^(PORT|FIREBASE_|FIRESTORE_|GOOGLE_|KUCOIN_|COLLECTOR_|CACHE_|EXECUTION_|SHUTDOWN_|LOG_|INSTANCE_)/.test(
        key,
      )
    )
      delete process.env[key];
  }
  Object.assign(process.env, env);
}

afterEach(() => {
  process.env = { ...saved };
});

function errorOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('gives the documented defaults', () => {
    withEnv({ FIREBASE_PROJECT_ID: 'demo-project' });
    expect(httpConfig()).toEqual({ port: 3000 });
    expect(kucoinConfig()).toMatchObject({
      spotApiUrl: 'https://api.kucoin.com',
      futuresApiUrl: 'https://api-futures.kucoin.com',
      spotMaxTopicsPerConnection: 300,
    });
    expect(collectorConfig()).toEqual({
      cron: '*/30 * * * * *',
      cacheMode: 'listen',
      reconcileIntervalMs: 3_600_000,
    });
    expect(executionConfig()).toMatchObject({ concurrency: 64 });
    expect(instanceConfig().logLevel).toBe('info');
    expect(instanceConfig().instanceId.length).toBeGreaterThan(0);
    expect(firestoreConfig()).toEqual({
      projectId: 'demo-project',
      emulatorHost: undefined,
      credentialsFile: undefined,
    });
  });

  it('reads overrides and trims trailing slashes from URLs', () => {
    withEnv({
      PORT: '8081',
      KUCOIN_SPOT_API_URL: 'http://127.0.0.1:4010/',
      COLLECTOR_CRON: '*/5 * * * * *',
      CACHE_MODE: 'poll',
      RECONCILE_INTERVAL_MS: '600000',
      INSTANCE_ID: 'worker-a',
      LOG_LEVEL: 'debug',
    });
    expect(httpConfig().port).toBe(8081);
    expect(kucoinConfig().spotApiUrl).toBe('http://127.0.0.1:4010');
    expect(collectorConfig()).toEqual({
      cron: '*/5 * * * * *',
      cacheMode: 'poll',
      reconcileIntervalMs: 600_000,
    });
    expect(instanceConfig()).toEqual({ instanceId: 'worker-a', logLevel: 'debug' });
  });

  it.each([
    [
      { PORT: 'http' },
      httpConfig,
      /^Invalid configuration: PORT must be an integer between 0 and 65535 \(got "http"\)$/,
    ],
    [{ PORT: '70000' }, httpConfig, /PORT must be an integer/],
    [{ KUCOIN_SPOT_API_URL: 'api.kucoin.com' }, kucoinConfig, /KUCOIN_SPOT_API_URL must be an http\(s\) URL/],
    [{ KUCOIN_FUTURES_API_URL: 'ftp://x' }, kucoinConfig, /KUCOIN_FUTURES_API_URL must be an http\(s\) URL/],
    [{ COLLECTOR_CRON: 'every minute' }, collectorConfig, /COLLECTOR_CRON must be a cron expression/],
    [{ CACHE_MODE: 'push' }, collectorConfig, /CACHE_MODE must be one of listen, poll \(got "push"\)/],
    [
      { LOG_LEVEL: 'loud' },
      instanceConfig,
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace/,
    ],
    [{ INSTANCE_ID: 'has space' }, instanceConfig, /INSTANCE_ID must contain only/],
    [
      { EXECUTION_CONCURRENCY: '0' },
      executionConfig,
      /EXECUTION_CONCURRENCY must be an integer between 1 and 1000/,
    ],
    [
      { FIREBASE_PROJECT_ID: 'Bad_Project' },
      firestoreConfig,
      /FIREBASE_PROJECT_ID must be a Firebase project id/,
    ],
    [
      { FIREBASE_PROJECT_ID: 'p-1234', FIRESTORE_EMULATOR_HOST: 'localhost' },
      firestoreConfig,
      /FIRESTORE_EMULATOR_HOST must be host:port/,
    ],
  ])('stops on %p with one line naming the variable', (env, load, message) => {
    withEnv(env);
    const text = errorOf(load);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('requires a project id when none can be found', () => {
    withEnv({});
    expect(errorOf(firestoreConfig)).toMatch(/FIREBASE_PROJECT_ID is required/);
  });

  it("takes the project id from the credentials' key file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'creds-'));
    const file = join(dir, 'key.json');
    writeFileSync(file, JSON.stringify({ project_id: 'from-key-file' }));
    withEnv({ GOOGLE_APPLICATION_CREDENTIALS: file });
    expect(firestoreConfig().projectId).toBe('from-key-file');
  });

  it('names an unreadable credentials file', () => {
    withEnv({ GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/key.json' });
    expect(errorOf(firestoreConfig)).toMatch(
      /GOOGLE_APPLICATION_CREDENTIALS must name a readable JSON key file/,
    );
  });
});
