import { createServer } from 'node:net';
import { freePort } from '../../firestore-emulator';

export const PREFERRED_PORT = 3000;

/** PORT if set; else 3000, the worker's usual port, when it is free; else any free port. */
export async function choosePort(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const configured = Number(env.PORT);
  if (env.PORT !== undefined && Number.isInteger(configured)) return configured;
  return (await isFree(PREFERRED_PORT)) ? PREFERRED_PORT : freePort();
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
