/** Which subscribes a rule matches: one symbol, a list of them, or a predicate over each symbol. */
export type AckMatch = string | readonly string[] | ((symbol: string) => boolean);

export interface WithholdAckOptions {
  /**
   * false (the default): the subscribe is received and dropped, neither acked nor applied, as if KuCoin lost
   * it; the client must send it again. true: applied (its pushes flow) and only the ack is lost.
   */
  readonly apply?: boolean;
}

/** What becomes of one subscribe message: answered as usual, or received and left unanswered. */
export type AckVerdict = 'answer' | 'drop' | 'apply_silently';

interface Rule {
  readonly matches: (symbol: string) => boolean;
  /** Subscribe messages still to withhold; Infinity for 'always'. */
  left: number;
  readonly apply: boolean;
}

/**
 * The lost-ack fault: subscribe messages naming a matching symbol go unanswered. A message is one request
 * with one ack, so a message naming a matching symbol among others is withheld as a whole. Rules apply in
 * the order they were added; the first with messages left decides, and counts the message.
 */
export class AckFaults {
  private rules: Rule[] = [];

  /** Withholds the next `count` subscribe messages naming a matching symbol, or all of them ('always'). */
  withhold(match: AckMatch, count: number | 'always', options: WithholdAckOptions = {}): void {
    const left = count === 'always' ? Number.POSITIVE_INFINITY : Math.floor(count);
    if (!(left > 0)) throw new RangeError(`count must be a positive integer or 'always' (got ${count})`);
    this.rules.push({ matches: matcher(match), left, apply: options.apply === true });
  }

  clear(): void {
    this.rules = [];
  }

  /** Decides one subscribe naming these symbols; a withheld message uses up one of its rule's count. */
  judge(symbols: readonly string[]): AckVerdict {
    const rule = this.rules.find((r) => r.left > 0 && symbols.some((symbol) => r.matches(symbol)));
    if (rule === undefined) return 'answer';
    rule.left--;
    this.rules = this.rules.filter((r) => r.left > 0);
    return rule.apply ? 'apply_silently' : 'drop';
  }
}

function matcher(match: AckMatch): (symbol: string) => boolean {
  if (typeof match === 'function') return match;
  const symbols = new Set(typeof match === 'string' ? [match] : match);
  return (symbol) => symbols.has(symbol);
}
