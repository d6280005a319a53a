/** The shapes of a bench result, as written to bench/results/<date>.json. */
import type { BenchOptions } from './options.js';
import type { Sample } from './sample.js';
import type { PeerId, ScenarioId } from './scenarios.js';

export interface PeerResult {
  peer: PeerId;
  label: string;
  /** Median of the rounds. */
  rate: number;
  p50: number | null;
  p99: number | null;
  /** rate / the baseline peer's rate in the same run; null without a baseline. */
  ratio: number | null;
  /** Server CPU µs per request (message, event); median of the rounds. */
  cpuPerUnit: number | null;
  /** Baseline CPU per unit / this peer's: the ratio by CPU cost instead of by rate. */
  cpuRatio: number | null;
  samples: Sample[];
}

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  baseline: PeerId;
  peers: PeerResult[];
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  /** Load average when the run started: the bench shares the machine with whatever else runs. */
  loadAverage: number[];
  pinned: boolean;
}

export interface TargetResult {
  name: string;
  scenario: ScenarioId;
  /** What was measured (a ratio of rates, or MB); the status is decided on this. */
  value: number | null;
  /** The same comparison by server CPU per request (steadier on a busy machine); null for memory. */
  cpuValue: number | null;
  threshold: number;
  comparison: '>=' | '<=';
  status: 'met' | 'missed' | 'not measured';
}

export interface BenchResult {
  date: string;
  command: string;
  machine: Machine;
  options: Omit<BenchOptions, 'out'>;
  scenarios: ScenarioResult[];
  targets: TargetResult[];
}
