import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectorConfig, cronProblem } from './collector.config';
import { executionConfig, hardDeadlineMs, SHUTDOWN_OVERHEAD_MS } from './execution.config';
import { firestoreConfig } from './firestore.config';
import { httpConfig } from './http.config';
import { instanceConfig } from './instance.config';
import { kucoinConfig } from './kucoin.config';
import { ConfigError } from './parse-env';

const saved = { ...process.env };

function withEnv(env: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) {
    if (
      /^(PORT|FIREBASE_|FIRESTORE_|GOOGLE_|KUCOIN_|COLLECTOR_|CACHE_|EXECUTION_|SHUTDOWN_|TERMINATION_|WATERMARK_|RECONCILE_|LOG_|INSTANCE_|LIQUIDATION_)/.test(
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
      pageSize: 5_000,
      pageTimeoutMs: 20_000,
      probeTimeoutMs: 5_000,
      firstSnapshotTimeoutMs: 300_000,
    });
    expect(kucoinConfig()).toMatchObject({
      futuresMaxTopicsPerConnection: 300,
      reconnectBaseMs: 1_000,
      reconnectMaxMs: 60_000,
      watermarkLoadTimeoutMs: 5_000,
    });
    expect(executionConfig()).toEqual({
      concurrency: 64,
      maxAttempts: 5,
      retryBaseMs: 100,
      retryMaxMs: 5_000,
      pendingRetryBaseMs: 5_000,
      pendingRetryMaxMs: 60_000,
      shutdownGraceMs: 10_000,
      terminationGraceMs: 30_000,
    });
    expect(instanceConfig().logLevel).toBe('info');
    expect(instanceConfig().instanceId.length).toBeGreaterThan(0);
    expect(firestoreConfig()).toEqual({
      projectId: 'demo-project',
      emulatorHost: undefined,
      credentialsFile: undefined,
      listenPartitions: 1,
    });
  });

  it('reads overrides and trims trailing slashes from URLs', () => {
    withEnv({
      PORT: '8081',
      KUCOIN_SPOT_API_URL: 'http://127.0.0.1:4010/',
      COLLECTOR_CRON: '*/5 * * * * *',
      CACHE_MODE: 'poll',
      RECONCILE_INTERVAL_MS: '600000',
      COLLECTOR_PAGE_SIZE: '1000',
      COLLECTOR_PAGE_TIMEOUT_MS: '120000',
      COLLECTOR_PROBE_TIMEOUT_MS: '2000',
      LISTENER_FIRST_SNAPSHOT_TIMEOUT_MS: '60000',
      INSTANCE_ID: 'worker-a',
      LOG_LEVEL: 'debug',
    });
    expect(httpConfig().port).toBe(8081);
    expect(kucoinConfig().spotApiUrl).toBe('http://127.0.0.1:4010');
    expect(collectorConfig()).toEqual({
      cron: '*/5 * * * * *',
      cacheMode: 'poll',
      reconcileIntervalMs: 600_000,
      pageSize: 1_000,
      pageTimeoutMs: 120_000,
      probeTimeoutMs: 2_000,
      firstSnapshotTimeoutMs: 60_000,
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
    [
      { FIREBASE_PROJECT_ID: 'p-1234', FIRESTORE_LISTEN_PARTITIONS: '33' },
      firestoreConfig,
      /FIRESTORE_LISTEN_PARTITIONS must be an integer between 1 and 32/,
    ],
    [
      { FIREBASE_PROJECT_ID: 'p-1234', FIRESTORE_LISTEN_PARTITIONS: '0' },
      firestoreConfig,
      /FIRESTORE_LISTEN_PARTITIONS must be an integer between 1 and 32/,
    ],
  ])('stops on %p with one line naming the variable', (env, load, message) => {
    withEnv(env);
    const text = errorOf(load);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('splits the listeners as asked', () => {
    withEnv({ FIREBASE_PROJECT_ID: 'p-1234', FIRESTORE_LISTEN_PARTITIONS: '4' });
    expect(firestoreConfig().listenPartitions).toBe(4);
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
  describe('integers: plain decimal digits only', () => {
    it.each(['0x10', '1e3', '010', ' 5 ', '5 ', '5.0', '+5', '-5', '1_000', 'Infinity', '٣'])(
      'rejects PORT=%p with the range line',
      (raw) => {
        withEnv({ PORT: raw });
        expect(errorOf(httpConfig)).toBe(
          `Invalid configuration: PORT must be an integer between 0 and 65535 (got "${raw}")`,
        );
      },
    );

    it.each([
      ['0', 0],
      ['8081', 8081],
      ['65535', 65_535],
    ])('accepts PORT=%p', (raw, port) => {
      withEnv({ PORT: raw });
      expect(httpConfig().port).toBe(port);
    });

    it('still treats a blank value as unset', () => {
      withEnv({ PORT: '  ' });
      expect(httpConfig().port).toBe(3000);
    });
  });

  describe('COLLECTOR_CRON must fire', () => {
    const NEVER =
      'Invalid configuration: COLLECTOR_CRON must be a cron expression that fires at least once a year, ' +
      'such as "*/30 * * * * *"';

    it.each(['0 0 31 2 *', '0 0 30 2 *', '0 0 31 4 *', '0 0 29 2 *'])(
      'rejects %p, which never fires (or not every year), in one line',
      (cron) => {
        withEnv({ COLLECTOR_CRON: cron });
        expect(errorOf(collectorConfig)).toBe(`${NEVER} (got "${cron}")`);
      },
    );

    it('rejects what does not parse with its own line', () => {
      withEnv({ COLLECTOR_CRON: 'every minute' });
      expect(errorOf(collectorConfig)).toBe(
        'Invalid configuration: COLLECTOR_CRON must be a cron expression such as "*/30 * * * * *" ' +
          '(got "every minute")',
      );
    });

    it.each(['*/30 * * * * *', '0 * * * * *', '0 0 * * *', '0 0 31 * *', '0 0 1 1 *'])(
      'accepts %p',
      (cron) => {
        withEnv({ COLLECTOR_CRON: cron });
        expect(collectorConfig().cron).toBe(cron);
      },
    );

    it('judges 29 February the same whatever the date of the start', () => {
      for (const date of ['2027-03-01', '2028-01-15', '2028-03-01']) {
        expect(cronProblem('0 0 29 2 *', Date.parse(date))).toMatch(/fires at least once a year/);
      }
    });
  });

  describe('backoff bases at most their caps', () => {
    it.each([
      [
        { EXECUTION_RETRY_BASE_MS: '6000' },
        executionConfig,
        'EXECUTION_RETRY_BASE_MS must be at most EXECUTION_RETRY_MAX_MS ' +
          '(got EXECUTION_RETRY_BASE_MS=6000, EXECUTION_RETRY_MAX_MS=5000)',
      ],
      [
        { EXECUTION_RETRY_MAX_MS: '50' },
        executionConfig,
        'EXECUTION_RETRY_BASE_MS must be at most EXECUTION_RETRY_MAX_MS ' +
          '(got EXECUTION_RETRY_BASE_MS=100, EXECUTION_RETRY_MAX_MS=50)',
      ],
      [
        { EXECUTION_PENDING_RETRY_BASE_MS: '120000' },
        executionConfig,
        'EXECUTION_PENDING_RETRY_BASE_MS must be at most EXECUTION_PENDING_RETRY_MAX_MS ' +
          '(got EXECUTION_PENDING_RETRY_BASE_MS=120000, EXECUTION_PENDING_RETRY_MAX_MS=60000)',
      ],
      [
        { KUCOIN_RECONNECT_BASE_MS: '5000', KUCOIN_RECONNECT_MAX_MS: '1000' },
        kucoinConfig,
        'KUCOIN_RECONNECT_BASE_MS must be at most KUCOIN_RECONNECT_MAX_MS ' +
          '(got KUCOIN_RECONNECT_BASE_MS=5000, KUCOIN_RECONNECT_MAX_MS=1000)',
      ],
    ])('rejects %p', (env, load, message) => {
      withEnv(env);
      expect(errorOf(load)).toBe(`Invalid configuration: ${message}`);
    });

    it('accepts a base equal to its cap', () => {
      withEnv({
        EXECUTION_RETRY_BASE_MS: '5000',
        EXECUTION_PENDING_RETRY_BASE_MS: '60000',
        KUCOIN_RECONNECT_BASE_MS: '60000',
      });
      expect(executionConfig()).toMatchObject({ retryBaseMs: 5_000, pendingRetryBaseMs: 60_000 });
      expect(kucoinConfig()).toMatchObject({ reconnectBaseMs: 60_000, reconnectMaxMs: 60_000 });
    });
  });

  describe("topics per connection within KuCoin's 300", () => {
    it.each(['KUCOIN_SPOT_MAX_TOPICS_PER_CONNECTION', 'KUCOIN_FUTURES_MAX_TOPICS_PER_CONNECTION'])(
      'rejects 301 for %s and accepts 300',
      (variable) => {
        withEnv({ [variable]: '301' });
        expect(errorOf(kucoinConfig)).toBe(
          `Invalid configuration: ${variable} must be an integer between 1 and 300 (got "301")`,
        );
        withEnv({ [variable]: '300' });
        expect(() => kucoinConfig()).not.toThrow();
      },
    );
  });

  describe('futures contract margins for liquidation', () => {
    it('refreshes hourly and is enabled by default', () => {
      withEnv({});
      expect(kucoinConfig()).toMatchObject({ contractsRefreshMs: 3_600_000, liquidationEnabled: true });
    });

    it('reads KUCOIN_CONTRACTS_REFRESH_MS within a minute and a day, and LIQUIDATION_ENABLED', () => {
      withEnv({ KUCOIN_CONTRACTS_REFRESH_MS: '60000', LIQUIDATION_ENABLED: 'false' });
      expect(kucoinConfig()).toMatchObject({ contractsRefreshMs: 60_000, liquidationEnabled: false });
      withEnv({ KUCOIN_CONTRACTS_REFRESH_MS: '86400000', LIQUIDATION_ENABLED: 'true' });
      expect(kucoinConfig()).toMatchObject({ contractsRefreshMs: 86_400_000, liquidationEnabled: true });
      withEnv({ KUCOIN_CONTRACTS_REFRESH_MS: '59999' });
      expect(errorOf(kucoinConfig)).toBe(
        'Invalid configuration: KUCOIN_CONTRACTS_REFRESH_MS must be an integer between 60000 and 86400000 (got "59999")',
      );
      withEnv({ KUCOIN_CONTRACTS_REFRESH_MS: '86400001' });
      expect(errorOf(kucoinConfig)).toMatch(/KUCOIN_CONTRACTS_REFRESH_MS must be an integer between/);
      withEnv({ LIQUIDATION_ENABLED: 'yes' });
      expect(errorOf(kucoinConfig)).toBe(
        'Invalid configuration: LIQUIDATION_ENABLED must be one of true, false (got "yes")',
      );
    });
  });

  describe('the shutdown fits in the termination grace', () => {
    it('leaves 10 s of the termination grace to the rest of the shutdown', () => {
      expect(SHUTDOWN_OVERHEAD_MS).toBe(10_000);
      expect(hardDeadlineMs(30_000)).toBe(28_000);
    });

    it('rejects a grace that leaves less, in one line', () => {
      withEnv({ SHUTDOWN_GRACE_MS: '25000' });
      expect(errorOf(executionConfig)).toBe(
        'Invalid configuration: SHUTDOWN_GRACE_MS must be at most TERMINATION_GRACE_MS - 10000, the time the ' +
          'rest of the shutdown needs before SIGKILL (got SHUTDOWN_GRACE_MS=25000, TERMINATION_GRACE_MS=30000)',
      );
    });

    it('rejects a termination grace shorter than the grace plus the rest', () => {
      withEnv({ TERMINATION_GRACE_MS: '15000' });
      expect(errorOf(executionConfig)).toBe(
        'Invalid configuration: SHUTDOWN_GRACE_MS must be at most TERMINATION_GRACE_MS - 10000, the time the ' +
          'rest of the shutdown needs before SIGKILL (got SHUTDOWN_GRACE_MS=10000, TERMINATION_GRACE_MS=15000)',
      );
    });

    it('rejects a termination grace with no room for any shutdown', () => {
      withEnv({ TERMINATION_GRACE_MS: '5000', SHUTDOWN_GRACE_MS: '0' });
      expect(errorOf(executionConfig)).toBe(
        'Invalid configuration: TERMINATION_GRACE_MS must be an integer between 10000 and 3600000 (got "5000")',
      );
    });

    it.each([
      [{ SHUTDOWN_GRACE_MS: '20000' }, 20_000, 30_000],
      [{ SHUTDOWN_GRACE_MS: '50000', TERMINATION_GRACE_MS: '60000' }, 50_000, 60_000],
      [{ SHUTDOWN_GRACE_MS: '0', TERMINATION_GRACE_MS: '10000' }, 0, 10_000],
    ])('accepts %p', (env, shutdownGraceMs, terminationGraceMs) => {
      withEnv(env);
      expect(executionConfig()).toMatchObject({ shutdownGraceMs, terminationGraceMs });
    });
  });

  describe('read and probe timeouts', () => {
    it.each([
      [
        { COLLECTOR_PAGE_TIMEOUT_MS: '0' },
        collectorConfig,
        'COLLECTOR_PAGE_TIMEOUT_MS',
        '1000 and 600000',
        '0',
      ],
      [
        { COLLECTOR_PAGE_TIMEOUT_MS: '600001' },
        collectorConfig,
        'COLLECTOR_PAGE_TIMEOUT_MS',
        '1000 and 600000',
        '600001',
      ],
      [{ COLLECTOR_PAGE_SIZE: '99' }, collectorConfig, 'COLLECTOR_PAGE_SIZE', '100 and 50000', '99'],
      [{ KUCOIN_REST_TIMEOUT_MS: '999' }, kucoinConfig, 'KUCOIN_REST_TIMEOUT_MS', '1000 and 60000', '999'],
      [
        { KUCOIN_CONNECT_TIMEOUT_MS: '60001' },
        kucoinConfig,
        'KUCOIN_CONNECT_TIMEOUT_MS',
        '1000 and 60000',
        '60001',
      ],
      [{ KUCOIN_ACK_TIMEOUT_MS: '0' }, kucoinConfig, 'KUCOIN_ACK_TIMEOUT_MS', '1000 and 60000', '0'],
      [
        { COLLECTOR_PROBE_TIMEOUT_MS: '99' },
        collectorConfig,
        'COLLECTOR_PROBE_TIMEOUT_MS',
        '100 and 60000',
        '99',
      ],
      [
        { COLLECTOR_PROBE_TIMEOUT_MS: '60001' },
        collectorConfig,
        'COLLECTOR_PROBE_TIMEOUT_MS',
        '100 and 60000',
        '60001',
      ],
      [{ WATERMARK_LOAD_TIMEOUT_MS: '0' }, kucoinConfig, 'WATERMARK_LOAD_TIMEOUT_MS', '100 and 60000', '0'],
      [
        { WATERMARK_LOAD_TIMEOUT_MS: '60001' },
        kucoinConfig,
        'WATERMARK_LOAD_TIMEOUT_MS',
        '100 and 60000',
        '60001',
      ],
    ])('rejects %p', (env, load, variable, range, raw) => {
      withEnv(env);
      expect(errorOf(load)).toBe(
        `Invalid configuration: ${variable} must be an integer between ${range} (got "${raw}")`,
      );
    });

    it('reads them', () => {
      withEnv({
        COLLECTOR_PAGE_TIMEOUT_MS: '600000',
        COLLECTOR_PROBE_TIMEOUT_MS: '100',
        WATERMARK_LOAD_TIMEOUT_MS: '60000',
        KUCOIN_REST_TIMEOUT_MS: '5000',
        KUCOIN_CONNECT_TIMEOUT_MS: '20000',
        KUCOIN_ACK_TIMEOUT_MS: '3000',
      });
      expect(collectorConfig()).toMatchObject({ pageTimeoutMs: 600_000, probeTimeoutMs: 100 });
      expect(kucoinConfig()).toMatchObject({
        restTimeoutMs: 5_000,
        connectTimeoutMs: 20_000,
        ackTimeoutMs: 3_000,
      });
      expect(kucoinConfig().watermarkLoadTimeoutMs).toBe(60_000);
    });
  });
});

describe("KUCOIN_REPLICAS_PER_IP: each replica's share of KuCoin's per-IP budgets", () => {
  it('defaults to one replica per IP, which gets the whole of each budget', () => {
    withEnv({});
    expect(kucoinConfig()).toMatchObject({
      maxNewConnectionsPerMinute: 30,
      catchUpRestWeightPer30s: 1_000,
      replicasPerIp: 1,
      replicaShare: { newConnectionsPerMinute: 30, restWeightPer30s: 1_000 },
    });
  });

  it('divides the per-IP budgets among the replicas, rounding down', () => {
    withEnv({ KUCOIN_REPLICAS_PER_IP: '3', KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S: '1000' });
    expect(kucoinConfig()).toMatchObject({
      catchUpRestWeightPer30s: 1_000,
      replicasPerIp: 3,
      replicaShare: { newConnectionsPerMinute: 10, restWeightPer30s: 333 },
    });
  });

  it.each([
    [
      { KUCOIN_REPLICAS_PER_IP: '4', KUCOIN_MAX_NEW_CONNECTIONS_PER_MINUTE: '3' },
      'KUCOIN_REPLICAS_PER_IP must be at most KUCOIN_MAX_NEW_CONNECTIONS_PER_MINUTE, so that each replica ' +
        'may open a connection (got KUCOIN_REPLICAS_PER_IP=4, KUCOIN_MAX_NEW_CONNECTIONS_PER_MINUTE=3)',
    ],
    [
      { KUCOIN_REPLICAS_PER_IP: '3', KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S: '44' },
      'KUCOIN_REPLICAS_PER_IP must leave each replica at least 15 of KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S, ' +
        'the weight of its largest REST call (got KUCOIN_REPLICAS_PER_IP=3, KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S=44)',
    ],
    [{ KUCOIN_REPLICAS_PER_IP: '0' }, 'KUCOIN_REPLICAS_PER_IP must be an integer between 1 and 30 (got "0")'],
    [
      { KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S: '14' },
      'KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S must be an integer between 15 and 2000 (got "14")',
    ],
  ])('rejects a share a replica cannot work with: %p', (env, message) => {
    withEnv(env);
    expect(errorOf(kucoinConfig)).toBe(`Invalid configuration: ${message}`);
  });

  it('accepts the smallest shares that still work', () => {
    withEnv({ KUCOIN_REPLICAS_PER_IP: '3', KUCOIN_CATCH_UP_REST_WEIGHT_PER_30S: '45' });
    expect(kucoinConfig().replicaShare).toEqual({ newConnectionsPerMinute: 10, restWeightPer30s: 15 });
    withEnv({ KUCOIN_REPLICAS_PER_IP: '30' });
    expect(kucoinConfig().replicaShare.newConnectionsPerMinute).toBe(1);
  });
});
