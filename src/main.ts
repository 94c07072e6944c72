import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigType } from '@nestjs/config';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigError, executionConfig, httpConfig, validateEnvironment } from './config';
import { exitCleanlyOnSignals } from './shutdown';

async function bootstrap(): Promise<void> {
  validateEnvironment();
  const app = await NestFactory.create(AppModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  const { terminationGraceMs } = app.get<ConfigType<typeof executionConfig>>(executionConfig.KEY);
  exitCleanlyOnSignals(app, terminationGraceMs);
  const { port } = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY);
  await app.listen(port);
}

/** A failed start is one line on stderr and exit code 1: no stack trace for an operator to dig through. */
bootstrap().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `Start-up failed: ${describe(error)}`;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'realtime-worker', msg: message })}\n`);
  process.exit(1);
});

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
