import { join } from 'node:path';
import type { ChangeBatch, Unsubscribe } from '../document-change';
import { watchInThread } from './watch-thread';

/**
 * The failure paths of a watch thread, with real threads and no Firestore: a thread that cannot start its
 * listener (a credentials file that does not exist makes `cert()` throw as the thread loads). Its
 * snapshots are the listener specs' business (e2e, on the emulator).
 */
describe('watchInThread', () => {
  const missingCredentials = join(__dirname, 'no-such-credentials.json');
  let unsubscribe: Unsubscribe | undefined;

  afterEach(() => unsubscribe?.());

  function watch(onError: (error: Error) => void, onChanges: (batch: ChangeBatch<unknown>) => void) {
    unsubscribe = watchInThread<unknown>(
      { group: 'openPositions', projectId: 'watch-thread-spec', credentialsFile: missingCredentials },
      { onChanges, onError },
    );
  }

  it('reports a thread that fails as one listener error (its exit after the error adds none)', async () => {
    const errors: Error[] = [];
    const changes = jest.fn();
    await new Promise<void>((resolve) => {
      watch((error) => {
        errors.push(error);
        resolve();
      }, changes);
    });
    // The thread's exit follows its error: give it time to arrive, and to be ignored.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/no-such-credentials\.json/);
    expect(changes).not.toHaveBeenCalled();
  });

  it('reports nothing once unsubscribed, though the thread then fails and exits', async () => {
    const onError = jest.fn();
    watch(onError, jest.fn());
    unsubscribe?.();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(onError).not.toHaveBeenCalled();
  });
});
