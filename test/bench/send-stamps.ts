/**
 * Send times shared between the sender thread and the receiver, keyed by what a trade frame carries: its
 * stream (market + symbol) and its trade sequence. A trade has no field the sender may fill freely (ticker
 * frames used to carry a counter in bestBid), but every trade's sequence is one above its symbol's last,
 * so the sender knows it before the trade exists and stamps the time just before the simulator sends it.
 *
 * Per stream, a ring of RING slots indexed by the sequence's last three digits (RING divides every power
 * of ten from 1,000 up, so the slots run on across the carries of KuCoin's long digit strings). Each slot
 * also keeps the sequence's last 15 digits (exact in a double), and the receiver checks them: a slot
 * already reused for a later trade, or a trade the sender never stamped, is reported, never guessed.
 */
export const RING = 1_000;
const CHECK_DIGITS = 15;

/** The last 15 decimal digits of a trade sequence (a digit string), as an exact number. */
export function sequenceLow(sequence: string): number {
  return Number(sequence.length > CHECK_DIGITS ? sequence.slice(-CHECK_DIGITS) : sequence);
}

export interface SendStampBuffers {
  readonly times: Float64Array;
  readonly checks: Float64Array;
}

export function createSendStamps(streams: number): SendStampBuffers {
  return {
    times: new Float64Array(new SharedArrayBuffer(streams * RING * 8)),
    checks: new Float64Array(new SharedArrayBuffer(streams * RING * 8)).fill(-1),
  };
}

export class SendStamps {
  constructor(private readonly buffers: SendStampBuffers) {}

  /** Sender: the trade `low` (sequenceLow of its sequence) on `stream` is about to be sent at `micros`. */
  stamp(stream: number, low: number, micros: number): void {
    const slot = stream * RING + (low % RING);
    this.buffers.times[slot] = micros;
    this.buffers.checks[slot] = low;
  }

  /** Receiver: the send time of that trade, or NaN when the slot holds another trade's. */
  sentAt(stream: number, sequence: string): number {
    const low = sequenceLow(sequence);
    const slot = stream * RING + (low % RING);
    return this.buffers.checks[slot] === low ? this.buffers.times[slot] : Number.NaN;
  }
}
