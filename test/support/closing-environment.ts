import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { LIVE_APPS_KEY } from './live-apps';

/**
 * Node's environment, plus: when a spec file's run ends (after its last afterAll), whatever it started
 * through the harness and left running is closed, and the file fails naming it. Without this a worker
 * left by a timed-out test keeps reconnecting to a stopped simulator and Jest never exits.
 */
export default class ClosingEnvironment extends TestEnvironment {
  async handleTestEvent(event: Circus.Event, state: Circus.State): Promise<void> {
    if (event.name !== 'run_finish') return;
    const live = this.global[LIVE_APPS_KEY] as Map<string, () => Promise<void>> | undefined;
    if (live === undefined || live.size === 0) return;
    const names = [...live.keys()];
    const results = await Promise.allSettled([...live.values()].map((close) => close()));
    const failed = results.filter((r) => r.status === 'rejected').length;
    state.unhandledErrors.push(
      new Error(
        `left running by this spec file, closed when it ended: ${names.join(', ')}` +
          (failed > 0 ? ` (${failed} failed to close)` : ''),
      ),
    );
  }
}
