import { Inject, Injectable } from '@nestjs/common';
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import type { MarketType } from '../domain/market';
import { FIRESTORE } from './firestore.constants';

/**
 * Where the workers keep, per market, the exchange time (ms) through which every watched symbol was
 * evaluated and every crossing written. One document for all replicas: each only moves a market's time
 * forward (a transaction keeps the larger), so whichever replica got furthest is what a start recovers
 * from, and pod names that change on every deploy leave nothing behind. Outside `users/`, so the web
 * app's rules and the collection-group queries never see it.
 */
export const WATERMARK_DOCUMENT = 'realtimeWorker/evaluatedThrough';

export type Watermarks = Partial<Record<MarketType, number>>;

@Injectable()
export class WatermarkRepository {
  constructor(@Inject(FIRESTORE) private readonly db: Firestore) {}

  async load(): Promise<Watermarks> {
    const data = (await this.db.doc(WATERMARK_DOCUMENT).get()).data() ?? {};
    return pickTimes(data);
  }

  /** Moves each given market's time forward (never back); returns what the document holds after. */
  advance(marks: Watermarks, instanceId: string): Promise<Watermarks> {
    const ref = this.db.doc(WATERMARK_DOCUMENT);
    return this.db.runTransaction(async (tx) => {
      const held = pickTimes((await tx.get(ref)).data() ?? {});
      const next: Watermarks = { ...held };
      let moved = false;
      for (const market of ['spot', 'futures'] as const) {
        const mark = marks[market];
        if (mark !== undefined && !(mark <= (held[market] ?? -Infinity))) {
          next[market] = mark;
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
  for (const market of ['spot', 'futures'] as const) {
    const value = data[market];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) marks[market] = value;
  }
  return marks;
}
