/**
 * Runs the scenarios. Every peer process starts once, at the beginning,
 * pinned to the server core (starting seven node processes per scenario on a
 * busy machine costs more than the quick mode's whole budget). In each
 * scenario each peer is checked for correct answers and warmed up; then the
 * counted rounds alternate between peers (the starting peer rotates each
 * round, so no peer always runs right after the same neighbour), and each
 * peer's result is the median of its rounds. The memory scenario starts a
 * fresh peer per round instead, so every measurement starts from the same
 * heap.
 */
import { runCloseLoad } from './close-load.js';
import { runHttpLoad } from './http-load.js';
import type { BenchOptions } from './options.js';
import { checkPeer, expectedStatus } from './peer-check.js';
import { startPeer, type PeerProcess } from './processes.js';
import type { Progress } from './progress.js';
import type { PeerResult, ScenarioResult } from './results.js';
import type { Sample } from './sample.js';
import { IDLE_SSE_CLIENTS, PEER_LABELS, SCENARIOS, SSE_CLIENTS, type PeerId, type Scenario } from './scenarios.js';
import { measureIdleStreams } from './sse-memory.js';
import { runSseLoad } from './sse-load.js';
import { median, medianOrNull } from './stats.js';
import { runWebSocketLoad } from './websocket-load.js';

/** Pause between runs, so one peer's leftover sockets and GC do not land in the next run. */
const SETTLE_MS = 150;

export function plannedSteps(options: BenchOptions): number {
  let steps = 0;
  for (const scenario of selectedScenarios(options)) {
    const peers = peersOf(scenario, options).length;
    steps += scenario.kind === 'memory' ? peers * options.rounds : peers * (options.rounds + (options.warmup > 0 ? 1 : 0));
  }
  return steps;
}

export function estimatedSeconds(options: BenchOptions): number {
  let seconds = 0;
  for (const scenario of selectedScenarios(options)) {
    const peers = peersOf(scenario, options).length;
    seconds += scenario.kind === 'memory' ? peers * options.rounds * 3 : 2 + peers * (options.warmup + options.rounds * (options.duration + SETTLE_MS / 1000));
  }
  return seconds;
}

function selectedScenarios(options: BenchOptions): Scenario[] {
  return options.scenarios.map((id) => SCENARIOS[id]).filter((s) => peersOf(s, options).length > 0);
}

function peersOf(scenario: Scenario, options: BenchOptions): PeerId[] {
  return scenario.peers.filter((peer) => options.peers.includes(peer));
}

/** A load run plus the server CPU it cost per unit of work. */
async function measure(peer: PeerProcess, scenario: Scenario, options: BenchOptions, duration: number): Promise<Sample> {
  if (scenario.kind === 'memory') return load(peer, scenario, options, duration);
  const before = await peer.cpu();
  const sample = await load(peer, scenario, options, duration);
  const used = (await peer.cpu()) - before;
  return { ...sample, cpuPerUnit: sample.total > 0 ? used / sample.total : null };
}

function load(peer: PeerProcess, scenario: Scenario, options: BenchOptions, duration: number): Promise<Sample> {
  const settings = { connections: options.connections, duration };
  switch (scenario.kind) {
    case 'http':
      return runHttpLoad(peer.port, scenario.request, expectedStatus(scenario), { ...settings, pipelining: options.pipelining });
    case 'close':
      return runCloseLoad(peer.port, scenario.request, expectedStatus(scenario), settings);
    case 'websocket':
      return runWebSocketLoad(`ws://127.0.0.1:${peer.port}${scenario.request.path}`, { clients: options.connections, duration });
    case 'sse':
      return runSseLoad(peer.port, scenario.request.path, { clients: SSE_CLIENTS, duration });
    case 'memory':
      return measureIdleStreams(peer, scenario.request.path, IDLE_SSE_CLIENTS);
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/** Peers in round-robin order, starting one further along each round. */
function rotation<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

async function startAll(ids: PeerId[], profileDir: string | undefined, exposeGc = false): Promise<PeerProcess[]> {
  const settled = await Promise.allSettled(ids.map((id) => startPeer(id, { exposeGc, profileDir })));
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((peer) => peer.stop()));
    throw failed.reason;
  }
  return started;
}

async function runLoadScenario(scenario: Scenario, peers: PeerProcess[], options: BenchOptions, progress: Progress): Promise<Map<PeerId, Sample[]>> {
  const samples = new Map<PeerId, Sample[]>(peers.map((peer) => [peer.id, []]));
  for (const peer of peers) await checkPeer(peer, scenario);
  if (options.warmup > 0) {
    for (const peer of peers) {
      progress.step(`(${scenario.id}) warm-up ${peer.id}`);
      await measure(peer, scenario, options, options.warmup);
      await settle();
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const peer of rotation(peers, round)) {
      progress.step(`(${scenario.id}) round ${round + 1}/${options.rounds} ${peer.id}`);
      samples.get(peer.id)!.push(await measure(peer, scenario, options, options.duration));
      await settle();
    }
  }
  return samples;
}

async function runMemoryScenario(scenario: Scenario, ids: PeerId[], options: BenchOptions, progress: Progress): Promise<Map<PeerId, Sample[]>> {
  const samples = new Map<PeerId, Sample[]>(ids.map((id) => [id, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const id of rotation(ids, round)) {
      progress.step(`(${scenario.id}) round ${round + 1}/${options.rounds} ${id}`);
      const [peer] = await startAll([id], options.profile, true);
      try {
        if (round === 0) await checkPeer(peer!, scenario);
        samples.get(id)!.push(await measure(peer!, scenario, options, options.duration));
      } finally {
        await peer!.stop();
      }
    }
  }
  return samples;
}

/** Baseline CPU per unit over the peer's: above 1 means the peer does the same work with less CPU. */
function cpuRatio(base: number | null, own: number | null): number | null {
  return base === null || own === null || own === 0 ? null : base / own;
}

function summarise(scenario: Scenario, samples: Map<PeerId, Sample[]>): ScenarioResult {
  const rates = new Map([...samples].map(([id, list]) => [id, median(list.map((s) => s.rate))]));
  const base = rates.get(scenario.baseline);
  const baseCpu = medianOrNull(samples.get(scenario.baseline)?.map((s) => s.cpuPerUnit) ?? []);
  const peers: PeerResult[] = [...samples].map(([id, list]) => ({
    peer: id,
    label: PEER_LABELS[id],
    rate: rates.get(id)!,
    p50: medianOrNull(list.map((s) => s.p50)),
    p99: medianOrNull(list.map((s) => s.p99)),
    cpuPerUnit: medianOrNull(list.map((s) => s.cpuPerUnit)),
    ratio: base !== undefined && base !== 0 ? rates.get(id)! / base : null,
    cpuRatio: cpuRatio(baseCpu, medianOrNull(list.map((s) => s.cpuPerUnit))),
    samples: list,
  }));
  return { id: scenario.id, title: scenario.title, unit: scenario.unit, higherIsBetter: scenario.higherIsBetter, baseline: scenario.baseline, peers };
}

export async function runBench(options: BenchOptions, progress: Progress): Promise<ScenarioResult[]> {
  const scenarios = selectedScenarios(options);
  const loadScenarios = scenarios.filter((s) => s.kind !== 'memory');
  const needed = options.peers.filter((id) => loadScenarios.some((s) => peersOf(s, options).includes(id)));
  const pool = new Map((await startAll(needed, options.profile)).map((peer) => [peer.id, peer]));
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      const ids = peersOf(scenario, options);
      const samples =
        scenario.kind === 'memory'
          ? await runMemoryScenario(scenario, ids, options, progress)
          : await runLoadScenario(scenario, ids.map((id) => pool.get(id)!), options, progress);
      results.push(summarise(scenario, samples));
    }
  } finally {
    await Promise.all([...pool.values()].map((peer) => peer.stop()));
  }
  return results;
}
