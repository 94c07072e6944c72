export { ExchangeSimulator } from './exchange-simulator';
export type { UnknownSymbolMode } from './simulator-book';
export type {
  ExchangeSimulatorOptions,
  SimConnectionInfo,
  SimulatorFaults,
  SimulatorLimits,
  SimulatorStats,
} from './simulator.types';
