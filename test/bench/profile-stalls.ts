/**
 * What held the event loop, from a V8 CPU profile (`--cpu-prof`; bench 7 writes one per isolate with
 * MILLION_CPU_PROF_DIR): the longest stretches without an `(idle)` sample, and the functions that ran in
 * them by self and inclusive time. A stretch may span several turns that followed each other without
 * idling; the loop-delay figures say how long one turn was.
 *
 *   node -r ./tools/swc-register.js test/bench/profile-stalls.ts <file.cpuprofile> [stretches=2]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

interface Stretch {
  readonly from: number;
  readonly to: number;
  readonly ms: number;
}

const TOP = 20;

function frameName({ callFrame }: ProfileNode): string {
  const where = callFrame.url.split('/').slice(-2).join('/');
  return `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`;
}

/** Sample indexes where the loop was busy without a break, longest first. */
function busyStretches(profile: CpuProfile, byId: Map<number, ProfileNode>, times: number[]): Stretch[] {
  const stretches: Stretch[] = [];
  let start = -1;
  profile.samples.forEach((id, i) => {
    const idle = byId.get(id)?.callFrame.functionName === '(idle)';
    if (!idle && start < 0) start = i;
    if ((idle || i === profile.samples.length - 1) && start >= 0) {
      stretches.push({ from: start, to: i, ms: (times[i] - times[start]) / 1_000 });
      start = -1;
    }
  });
  return stretches.sort((a, b) => b.ms - a.ms);
}

function printTop(title: string, totals: Map<string, number>): void {
  console.log(title);
  for (const [name, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    console.log(`  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
}

/** The frame a sample's stack entered JavaScript by: the callback the event loop (or a job queue) ran. */
function entryOf(id: number, byId: Map<number, ProfileNode>, parentOf: Map<number, number>): string {
  let entry = id;
  for (
    let parent = parentOf.get(entry);
    parent !== undefined && parentOf.has(parent);
    parent = parentOf.get(entry)
  )
    entry = parent;
  return frameName(byId.get(entry) as ProfileNode);
}

/**
 * The stretch as the callbacks that ran one after another (consecutive samples entered by the same
 * frame), in order: which pieces of work shared the turn, and how long each held it.
 */
function printCallbacks(
  profile: CpuProfile,
  byId: Map<number, ProfileNode>,
  parentOf: Map<number, number>,
  times: number[],
  { from, to }: Stretch,
): void {
  const runs: { entry: string; ms: number }[] = [];
  for (let i = from; i < to; i++) {
    const entry = entryOf(profile.samples[i], byId, parentOf);
    const ms = (times[i + 1] - times[i]) / 1_000;
    const last = runs.at(-1);
    if (last?.entry === entry) last.ms += ms;
    else runs.push({ entry, ms });
  }
  console.log('in order (callbacks of 2 ms or more; the rest summed between them):');
  let small = 0;
  for (const run of runs) {
    if (run.ms < 2) {
      small += run.ms;
      continue;
    }
    if (small > 0) console.log(`  ${small.toFixed(0).padStart(7)} ms  (shorter callbacks)`);
    small = 0;
    console.log(`  ${run.ms.toFixed(0).padStart(7)} ms  ${run.entry}`);
  }
  if (small > 0) console.log(`  ${small.toFixed(0).padStart(7)} ms  (shorter callbacks)`);
}

function main(file: string, count: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  let time = profile.startTime;
  const times = profile.timeDeltas.map((delta) => (time += delta));
  const at = (i: number) => `${((times[i] - profile.startTime) / 1e6).toFixed(1)} s`;
  const stretches = busyStretches(profile, byId, times);
  console.log(
    `longest busy stretches: ${stretches
      .slice(0, 8)
      .map((s) => `${s.ms.toFixed(0)} ms at ${at(s.from)}`)
      .join(', ')}`,
  );
  for (const stretch of stretches.slice(0, count)) {
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    for (let i = stretch.from; i < stretch.to; i++) {
      const ms = (times[i + 1] - times[i]) / 1_000;
      const leaf = byId.get(profile.samples[i]) as ProfileNode;
      self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + ms);
      const seen = new Set<string>();
      for (let id: number | undefined = leaf.id; id !== undefined; id = parentOf.get(id)) {
        const name = frameName(byId.get(id) as ProfileNode);
        if (seen.has(name)) continue; // recursion counts once
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      }
    }
    console.log(`\n== ${stretch.ms.toFixed(0)} ms busy from ${at(stretch.from)} ==`);
    printCallbacks(profile, byId, parentOf, times, stretch);
    printTop('self:', self);
    printTop('inclusive:', inclusive);
  }
}

const [file, count] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: profile-stalls.ts <file.cpuprofile> [stretches]');
  process.exit(2);
}
main(file, Number(count ?? 2));
