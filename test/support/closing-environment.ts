import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { LIVE_APPS_KEY, type Live } from './live-apps';

/**
 * Node's environment, plus: when a spec file's run ends (after its last afterAll), whatever it started
 * through the harness and left open is closed, and the file fails naming it. Without this a feed left by
 * a failed test kept reconnecting to a stopped simulator and Jest never exited.
 */
export default class ClosingEnvironment extends TestEnvironment {
  async handleTestEvent(event: Circus.Event, state: Circus.State): Promise<void> {
    if (event.name !== 'run_finish') return;
    const live = this.global[LIVE_APPS_KEY] as Map<string, Live> | undefined;
    const open = [...(live ?? new Map<string, Live>())].filter(([, item]) => item.stillOpen());
    live?.clear();
    if (open.length === 0) return;
    const results = await Promise.allSettled(open.map(async ([, item]) => item.close()));
    const failed = results.filter((r) => r.status === 'rejected').length;
    state.unhandledErrors.push(
      new Error(
        `left open by this spec file, closed when it ended: ${open.map(([name]) => name).join(', ')}` +
          (failed > 0 ? ` (${failed} failed to close)` : ''),
      ),
    );
  }
}
