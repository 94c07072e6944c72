import { Inject, Injectable } from '@nestjs/common';
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { MARKET_TYPES } from '../domain/market';
import { FIRESTORE } from './firestore.constants';

/**
 * Where the workers keep, per market (and for the futures index prices), the exchange time (ms) through
 * which every watched symbol was evaluated and every crossing written. One document for all replicas:
 * each only moves a stream's time forward (a transaction keeps the larger), so whichever replica got
 * furthest is what a start recovers from, and pod names that change on every deploy leave nothing behind. Outside `users/`, so the web
 * app's rules and the collection-group queries never see it.
 */
export const WATERMARK_DOCUMENT = 'realtimeWorker/evaluatedThrough';

/** Each market's trades, and the futures contracts' index prices (the one instrument price with a history). */
export const WATERMARK_STREAMS = [...MARKET_TYPES, 'index'] as const;
export type WatermarkStream = (typeof WATERMARK_STREAMS)[number];

export type Watermarks = Partial<Record<WatermarkStream, number>>;

@Injectable()
export class WatermarkRepository {
  constructor(@Inject(FIRESTORE) private readonly db: Firestore) {}

  async load(): Promise<Watermarks> {
    const data = (await this.db.doc(WATERMARK_DOCUMENT).get()).data() ?? {};
    return pickTimes(data);
  }

  /** Moves each given stream's time forward (never back); returns what the document holds after. */
  advance(marks: Watermarks, instanceId: string): Promise<Watermarks> {
    const ref = this.db.doc(WATERMARK_DOCUMENT);
    return this.db.runTransaction(async (tx) => {
      const held = pickTimes((await tx.get(ref)).data() ?? {});
      const next: Watermarks = { ...held };
      let moved = false;
      for (const stream of WATERMARK_STREAMS) {
        const mark = marks[stream];
        if (mark !== undefined && !(mark <= (held[stream] ?? -Infinity))) {
          next[stream] = mark;
          moved = true;
        }
      }
      if (moved) tx.set(ref, { ...next, updatedAt: FieldValue.serverTimestamp(), updatedBy: instanceId });
      return next;
    });
  }
}

function pickTimes(data: Record<string, unknown>): Watermarks {
  const marks: Watermarks = {};
  for (const stream of WATERMARK_STREAMS) {
    const value = data[stream];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) marks[stream] = value;
  }
  return marks;
}
