import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { instanceConfig } from '../config';

/**
 * JSON logs through pino, one line per event, with the level as a string a log stack can filter on.
 * HTTP requests (probes and scrapes every few seconds) are not logged; credentials are redacted should a
 * header ever reach a log line.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [instanceConfig.KEY],
      useFactory: (config: ConfigType<typeof instanceConfig>) => ({
        pinoHttp: {
          level: config.logLevel,
          autoLogging: false,
          quietReqLogger: true,
          base: { service: 'realtime-worker', instance: config.instanceId },
          formatters: { level: (label: string) => ({ level: label }) },
          redact: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.privateKey'],
        },
      }),
    }),
  ],
})
export class LoggingModule {}
