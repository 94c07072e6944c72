import { Inject, Injectable } from '@nestjs/common';
import type { Firestore, Query } from 'firebase-admin/firestore';
import { TRADE_TRIGGERS } from '../domain/document-paths';
import { TradeTrigger, parseTrigger } from '../domain/trade-trigger';
import { PageReading, readAll, watch } from './collection-group';
import { CollectionRead, Unsubscribe, WatchHandlers } from './document-change';
import { FIRESTORE } from './firestore.constants';

/** Every user's pending trade triggers: a trigger document exists exactly as long as it has not fired. */
@Injectable()
export class TradeTriggerRepository {
  constructor(@Inject(FIRESTORE) private readonly db: Firestore) {}

  loadAll(pages: PageReading): Promise<CollectionRead<TradeTrigger>> {
    return readAll(this.allQuery(), TRADE_TRIGGERS, parseTrigger, pages);
  }

  watchAll(handlers: WatchHandlers<TradeTrigger>): Unsubscribe {
    return watch(this.allQuery(), parseTrigger, handlers);
  }

  private allQuery(): Query {
    return this.db.collectionGroup(TRADE_TRIGGERS);
  }
}
