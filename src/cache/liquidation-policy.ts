import { Inject, Injectable } from '@nestjs/common';
import type { LiquidationOf } from '../domain/crossing';
import { liquidationLevel } from '../domain/liquidation';
import type { OpenPosition } from '../domain/position';
import type { ContractMarginsService } from '../market-feed/contract-margins.service';
import { CONTRACT_MARGINS } from '../market-feed/market-feed.constants';

/**
 * Which liquidation level a position is watched at: its document's own `liquidationPrice`, else the one its
 * contract's maintenance margin gives (see liquidationLevel); none for spot, leverage 1, a contract whose
 * margins are not known yet, or when LIQUIDATION_ENABLED is false. The collector, the listeners and the
 * execution transaction decide it the same way, from the document version each of them read.
 */
@Injectable()
export class LiquidationPolicy {
  /** LIQUIDATION_ENABLED, fixed at start: read once, not once per position converted. */
  private readonly enabled: boolean;

  constructor(@Inject(CONTRACT_MARGINS) private readonly margins: ContractMarginsService) {
    this.enabled = margins.status().enabled;
  }

  readonly levelOf: LiquidationOf = (position: OpenPosition): number | null =>
    this.enabled ? liquidationLevel(position, this.margins.margin(position.symbol)) : null;

  /**
   * `listener` runs after the margins changed (their first read included): every leveraged position's
   * computed level may have moved. Returns its removal.
   */
  onChange(listener: () => void): () => void {
    return this.margins.onChange(listener);
  }
}
