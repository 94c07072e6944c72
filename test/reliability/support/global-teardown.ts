import emulatorTeardown from '../../support/global-teardown';
import { printSummary } from './summary-table';

export default async function globalTeardown(): Promise<void> {
  printSummary();
  await emulatorTeardown();
}
