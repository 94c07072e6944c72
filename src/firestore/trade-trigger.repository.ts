import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { firestoreConfig } from '../config/firestore.config';
import type { Firestore, Query } from 'firebase-admin/firestore';
import { TRADE_TRIGGERS } from '../domain/document-paths';
import { TradeTrigger, parseTrigger } from '../domain/trade-trigger';
import { PageReading, readAll } from './collection-group';
import { watchInThread } from './watch-thread/watch-thread';
import { CollectionRead, TakeParsed, Unsubscribe, WatchHandlers } from './document-change';
import { FIRESTORE } from './firestore.constants';
import { tradeTriggersQuery } from './queries';

/** Every user's pending trade triggers: a trigger document exists exactly as long as it has not fired. */
@Injectable()
export class TradeTriggerRepository {
  constructor(
    @Inject(FIRESTORE) private readonly db: Firestore,
    @Inject(firestoreConfig.KEY) private readonly config: ConfigType<typeof firestoreConfig>,
  ) {}

  /** Every document, each handed to `take` once parsed. */
  loadAll(pages: PageReading, take: TakeParsed<TradeTrigger>): Promise<CollectionRead> {
    return readAll(this.allQuery(), TRADE_TRIGGERS, parseTrigger, take, pages);
  }

  watchAll(handlers: WatchHandlers<TradeTrigger>): Unsubscribe {
    return watchInThread({ group: 'tradeTriggers', ...this.config }, handlers);
  }

  private allQuery(): Query {
    return tradeTriggersQuery(this.db);
  }
}
