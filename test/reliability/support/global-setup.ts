import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import emulatorSetup from '../../support/global-setup';
import { SUMMARY_FILE_ENV } from './summary-table';

/** The e2e emulator setup, plus a file the specs append their summary rows to (workers inherit the env). */
export default async function globalSetup(): Promise<void> {
  process.env[SUMMARY_FILE_ENV] = join(mkdtempSync(join(tmpdir(), 'reliability-')), 'summary.jsonl');
  await emulatorSetup();
}
