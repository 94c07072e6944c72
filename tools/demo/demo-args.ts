/** What the command line and DEMO_FEED ask for; parsed without side effects so it can be tested. */
export interface DemoArgs {
  /** `simulated` skips the KuCoin probe; `auto` tries KuCoin and falls back to the simulator. */
  readonly feed: 'auto' | 'simulated' | 'live';
  /** Stop by itself after this many seconds; undefined runs until Ctrl-C. */
  readonly durationSeconds?: number;
  readonly help: boolean;
}

export const DEMO_USAGE = [
  'Usage: npm run demo [-- --simulated] [-- --duration <seconds>]',
  '',
  '  --simulated           use the built-in exchange simulator (random walk) instead of KuCoin',
  '  --live                use KuCoin without falling back to the simulator',
  '  --duration <seconds>  stop cleanly after this many seconds',
  '  -h, --help            this text',
  '',
  'DEMO_FEED=simulated (or live) does the same as the flags, for scripts.',
].join('\n');

export class DemoArgsError extends Error {
  override readonly name = 'DemoArgsError';
}

export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): DemoArgs {
  let feed = feedFromEnv(env.DEMO_FEED);
  let durationSeconds: number | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--simulated') feed = 'simulated';
    else if (arg === '--live') feed = 'live';
    else if (arg === '-h' || arg === '--help') help = true;
    else if (arg === '--duration' || arg.startsWith('--duration=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      durationSeconds = parseDuration(value);
    } else throw new DemoArgsError(`Unknown option "${arg}"`);
  }
  return { feed, durationSeconds, help };
}

function feedFromEnv(value: string | undefined): DemoArgs['feed'] {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'simulated' || value === 'live') return value;
  throw new DemoArgsError(`DEMO_FEED must be simulated, live or auto (got "${value}")`);
}

function parseDuration(value: string | undefined): number {
  const seconds = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new DemoArgsError(`--duration needs a positive number of seconds (got "${value ?? ''}")`);
  }
  return seconds;
}
