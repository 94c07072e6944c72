import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { ALL_CONFIGS } from './config';
import { ExecutionModule } from './execution/execution.module';
import { FirestoreModule } from './firestore/firestore.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: ALL_CONFIGS }),
    LoggingModule,
    ScheduleModule.forRoot(),
    MetricsModule,
    FirestoreModule,
    ExecutionModule,
  ],
})
export class AppModule {}
