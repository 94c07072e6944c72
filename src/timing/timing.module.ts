import { Module } from '@nestjs/common';
import { systemClock } from './clock';

/** The clock every Nest provider takes its time and timers from; tests may override it. */
export const CLOCK = Symbol('CLOCK');

/** Provides `CLOCK` (the system clock). Imported by every module whose providers keep time. */
@Module({
  providers: [{ provide: CLOCK, useValue: systemClock }],
  exports: [CLOCK],
})
export class TimingModule {}
