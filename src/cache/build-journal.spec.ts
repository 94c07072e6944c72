import { positionAt } from '../../test/support/crossings';
import { BuildJournal } from './build-journal';
import { emptyBookSets } from './cache-entries';

describe('BuildJournal', () => {
  it('replays a large journal in steps, every change once, and only what was recorded since', () => {
    const journal = new BuildJournal();
    const at = (i: number) => positionAt({ path: `users/u${i}/openPositions/p` }, { version: 10 + i });
    for (let i = 0; i < 12_001; i++)
      journal.record('position', at(i).entry.path, { version: at(i).version, item: at(i) });
    const next = emptyBookSets();
    const readTimes = { positions: 0, triggers: 0 };

    let pauses = 0;
    for (const _ of journal.replaying(next, readTimes)) pauses++;
    expect(pauses).toBe(2);
    expect(next.positions.size).toBe(12_001);

    journal.record('position', at(0).entry.path, { version: 99_999, item: null });
    expect([...journal.replaying(next, readTimes)]).toHaveLength(0);
    expect(next.positions.size).toBe(12_000);
  });
});
