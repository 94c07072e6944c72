import { Counter, Registry } from 'prom-client';
import { sumByLabel, sumCounter } from './metric-totals';

describe('metric totals', () => {
  it('sums a labelled counter overall and by one label', async () => {
    const counter = new Counter({
      name: 'test_executions_total',
      help: 'test',
      labelNames: ['kind', 'outcome'] as const,
      registers: [new Registry()],
    });
    counter.inc({ kind: 'close_position', outcome: 'executed' }, 3);
    counter.inc({ kind: 'fire_trigger', outcome: 'executed' }, 2);
    counter.inc({ kind: 'fire_trigger', outcome: 'already_handled' });
    const { values } = await counter.get();
    expect(sumCounter(values)).toBe(6);
    expect(sumByLabel(values, 'outcome')).toEqual({ executed: 5, already_handled: 1 });
  });
});
