import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { firestoreConfig } from '../config/firestore.config';
import type { Firestore, Query } from 'firebase-admin/firestore';
import { OPEN_POSITIONS } from '../domain/document-paths';
import { OpenPosition, parsePosition } from '../domain/position';
import { PageReading, readAll } from './collection-group';
import { watchInThread } from './watch-thread/watch-thread';
import { CollectionRead, TakeParsed, Unsubscribe, WatchHandlers } from './document-change';
import { FIRESTORE } from './firestore.constants';
import { openPositionsQuery } from './queries';

/**
 * Every user's open positions, through one collection-group query. Production needs the collection-group
 * index exemption in firestore.indexes.json for this query; the emulator does not.
 */
@Injectable()
export class PositionRepository {
  constructor(
    @Inject(FIRESTORE) private readonly db: Firestore,
    @Inject(firestoreConfig.KEY) private readonly config: ConfigType<typeof firestoreConfig>,
  ) {}

  /** Every document, each handed to `take` once parsed. */
  loadOpen(pages: PageReading, take: TakeParsed<OpenPosition>): Promise<CollectionRead> {
    return readAll(this.openQuery(), OPEN_POSITIONS, parsePosition, take, pages);
  }

  /** A position leaving `open` arrives as `removed`: it no longer matches the query. */
  watchOpen(handlers: WatchHandlers<OpenPosition>): Unsubscribe {
    return watchInThread({ group: 'openPositions', ...this.config }, handlers);
  }

  /**
   * A one-document read that proves Firestore answers. Listeners retry an unreachable backend quietly
   * for a long time, so they cannot tell an outage; this costs one billed read.
   */
  async probe(): Promise<void> {
    await this.openQuery().limit(1).get();
  }

  private openQuery(): Query {
    return openPositionsQuery(this.db);
  }
}
