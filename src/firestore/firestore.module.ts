import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { App, deleteApp, initializeApp, cert } from 'firebase-admin/app';
import { Firestore, getFirestore } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';
import { firestoreConfig } from '../config';
import { FIREBASE_APP, FIRESTORE } from './firestore.constants';
import { PositionRepository } from './position.repository';
import { TradeTriggerRepository } from './trade-trigger.repository';
import { WatermarkRepository } from './watermark.repository';

/**
 * Owns the app's one firebase-admin app and Firestore client. Each module instance gets a uniquely named
 * firebase app, so two workers in one process (as the replica tests run them) never share a client.
 */
@Global()
@Module({
  providers: [
    {
      provide: FIREBASE_APP,
      inject: [firestoreConfig.KEY],
      useFactory: (config: ConfigType<typeof firestoreConfig>): App =>
        initializeApp(
          {
            projectId: config.projectId,
            ...(config.credentialsFile && !config.emulatorHost
              ? { credential: cert(config.credentialsFile) }
              : {}),
          },
          `realtime-worker-${randomUUID()}`,
        ),
    },
    {
      provide: FIRESTORE,
      inject: [FIREBASE_APP],
      useFactory: (app: App): Firestore => {
        const db = getFirestore(app);
        db.settings({ ignoreUndefinedProperties: true });
        return db;
      },
    },
    PositionRepository,
    TradeTriggerRepository,
    WatermarkRepository,
  ],
  exports: [FIRESTORE, PositionRepository, TradeTriggerRepository, WatermarkRepository],
})
export class FirestoreModule implements OnApplicationShutdown {
  private readonly logger = new Logger(FirestoreModule.name);

  constructor(
    @Inject(FIREBASE_APP) private readonly app: App,
    @Inject(FIRESTORE) private readonly db: Firestore,
  ) {}

  /** Runs after every other provider's shutdown hook, so in-flight transactions have finished by now. */
  async onApplicationShutdown(): Promise<void> {
    await this.db.terminate();
    await deleteApp(this.app);
    this.logger.log('Firestore client closed');
  }
}
