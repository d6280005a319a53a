/** The targets, checked against ratios measured in the same run. */
import type { ScenarioResult, TargetResult } from './results.js';
import type { PeerId, ScenarioId } from './scenarios.js';

interface Target {
  name: string;
  scenario: ScenarioId;
  peer: PeerId;
  /** Compare against this peer's rate; absent: the peer's own value (memory). */
  against?: PeerId;
  threshold: number;
  comparison: '>=' | '<=';
}

export const TARGETS: readonly Target[] = [
  { name: 'runtime / node:http on (a)', scenario: 'a', peer: 'runtime', against: 'node-http', threshold: 0.95, comparison: '>=' },
  { name: 'runtime / node:http on (b)', scenario: 'b', peer: 'runtime', against: 'node-http', threshold: 0.95, comparison: '>=' },
  { name: 'runtime / node:http on (e)', scenario: 'e', peer: 'runtime', against: 'node-http', threshold: 0.95, comparison: '>=' },
  { name: 'runtime / Fastify on (b)', scenario: 'b', peer: 'runtime', against: 'fastify', threshold: 1.1, comparison: '>=' },
  { name: 'runtime / Express 4 on (b)', scenario: 'b', peer: 'runtime', against: 'express4', threshold: 8, comparison: '>=' },
  { name: 'mountExpress / Express 4 alone on (b) (compat cost)', scenario: 'b', peer: 'express4-legacy', against: 'express4', threshold: 0.9, comparison: '>=' },
  { name: 'runtime / bare ws on (f)', scenario: 'f', peer: 'runtime', against: 'ws', threshold: 0.95, comparison: '>=' },
  { name: 'RSS added by 1,000 idle SSE clients (MB)', scenario: 'm', peer: 'runtime', threshold: 50, comparison: '<=' },
];

function peerOf(results: ScenarioResult[], scenario: ScenarioId, peer: PeerId) {
  return results.find((s) => s.id === scenario)?.peers.find((p) => p.peer === peer);
}

function rateOf(results: ScenarioResult[], scenario: ScenarioId, peer: PeerId): number | undefined {
  return peerOf(results, scenario, peer)?.rate;
}

/** The same ratio by server CPU per request: other peer's cost / ours. */
function cpuRatioOf(results: ScenarioResult[], target: Target): number | null {
  if (!target.against) return null;
  const own = peerOf(results, target.scenario, target.peer)?.cpuPerUnit;
  const other = peerOf(results, target.scenario, target.against)?.cpuPerUnit;
  return own && other ? other / own : null;
}

export function checkTargets(results: ScenarioResult[]): TargetResult[] {
  return TARGETS.map((target) => {
    const own = rateOf(results, target.scenario, target.peer);
    const other = target.against ? rateOf(results, target.scenario, target.against) : 1;
    const value = own === undefined || other === undefined || other === 0 ? null : own / other;
    const met = value !== null && (target.comparison === '>=' ? value >= target.threshold : value <= target.threshold);
    return {
      name: target.name,
      scenario: target.scenario,
      value,
      cpuValue: cpuRatioOf(results, target),
      threshold: target.threshold,
      comparison: target.comparison,
      status: value === null ? 'not measured' : met ? 'met' : 'missed',
    };
  });
}
