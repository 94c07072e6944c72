/**
 * Runs every benchmark scenario in this one process tree, prints a table per scenario and writes the
 * figures with the machine facts to test/bench/results/latest.json (quick runs: latest-quick.json).
 *
 *   npm run bench            full run
 *   npm run bench -- --quick smaller sizes and windows, about two minutes
 *   npm run bench -- --only=wire,venue
 *   npm run bench -- --only=million   the 1M-document memory run (not part of the full run: over an hour)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { buildScenario } from './build.bench';
import { burstScenario } from './burst.bench';
import { stopBenchEmulator } from './emulator';
import { evaluationScenario } from './evaluation.bench';
import { flashCrashScenario } from './flash-crash.bench';
import { memoryScenario } from './memory.bench';
import { readMemoryScenario } from './read-memory.bench';
import { millionScenario } from './million.bench';
import { readsScenario } from './reads.bench';
import { type ScenarioResult, printScenario } from './table';
import { trailingScenario } from './trailing.bench';
import { venueScenario } from './venue.bench';
import { wireScenario } from './wire.bench';

type Scenario = (quick: boolean) => ScenarioResult | Promise<ScenarioResult>;

const SCENARIOS: Record<string, Scenario> = {
  evaluation: evaluationScenario,
  wire: wireScenario,
  venue: venueScenario,
  memory: memoryScenario,
  'read-memory': readMemoryScenario,
  build: buildScenario,
  reads: readsScenario,
  burst: burstScenario,
  'flash-crash': flashCrashScenario,
  trailing: trailingScenario,
  million: millionScenario,
};

/** Run only when named (`--only=million`): a million documents take the emulator more than an hour. */
const OPT_IN = new Set(['million']);

function machine(): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    loadAverageAtStart: loadAverage(),
  };
}

/** 1, 5 and 15 minute load averages: the machine may be shared, and every figure here is timed. */
function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args
    .find((arg) => arg.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const names = Object.keys(SCENARIOS).filter((name) => (only ? only.includes(name) : !OPT_IN.has(name)));
  // The components log through Nest's Logger; only warnings and errors belong in benchmark output.
  Logger.overrideLogger(['error', 'warn']);
  const facts = machine();
  console.log(
    `realtime-worker bench (${quick ? 'quick' : 'full'}) on ${facts.cpu} x${facts.cores}, node ${facts.node}, ` +
      `load average ${facts.loadAverageAtStart}`,
  );
  const results: ScenarioResult[] = [];
  const failures: Record<string, string> = {};
  for (const name of names) {
    const started = performance.now();
    try {
      const result = await SCENARIOS[name](quick);
      printScenario(result);
      results.push(result);
    } catch (error) {
      failures[name] = error instanceof Error ? error.message : String(error);
      console.error(`\n== ${name} FAILED: ${failures[name]}`);
    }
    console.log(
      `  (${name}: ${((performance.now() - started) / 1_000).toFixed(1)} s; load average ${loadAverage()})`,
    );
  }
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, quick || only ? 'latest-quick.json' : 'latest.json');
  // Formatted as Prettier would, so `prettier --check` passes on the committed result file.
  const prettier = await import('prettier');
  const json = JSON.stringify({
    machine: { ...facts, loadAverageAtEnd: loadAverage() },
    quick,
    results,
    failures,
  });
  writeFileSync(file, await prettier.format(json, { parser: 'json', printWidth: 110 }));
  console.log(`\nresults written to ${file}`);
  process.exitCode = Object.keys(failures).length > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the Firestore emulator`);
    void stopBenchEmulator().finally(() => process.exit(130));
  });
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => stopBenchEmulator());
