/** Number formatting shared by the terminal table, the markdown and the chart. */
import type { PeerResult, ScenarioResult } from './results.js';

export function formatRate(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(0);
}

export function formatMs(value: number | null): string {
  return value === null ? '—' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export function formatRatio(peer: PeerResult, scenario: ScenarioResult): string {
  if (peer.ratio === null) return '—';
  return peer.peer === scenario.baseline ? '1.00 (baseline)' : peer.ratio.toFixed(2);
}

/** Runs with socket errors or wrong answers, so a reader sees a number is suspect. */
export function formatProblems(peer: PeerResult): string {
  const errors = peer.samples.reduce((n, s) => n + s.errors, 0);
  const unexpected = peer.samples.reduce((n, s) => n + s.unexpected, 0);
  const parts = [errors ? `${errors} errors` : '', unexpected ? `${unexpected} unexpected` : ''].filter(Boolean);
  return parts.join(', ');
}

export function formatCpu(peer: PeerResult): string {
  return peer.cpuPerUnit === null ? '—' : `${peer.cpuPerUnit.toFixed(peer.cpuPerUnit < 10 ? 2 : 1)} µs`;
}

export function formatCpuRatio(peer: PeerResult, scenario: ScenarioResult): string {
  if (peer.cpuRatio === null) return '—';
  return peer.peer === scenario.baseline ? '1.00' : peer.cpuRatio.toFixed(2);
}

export function formatValue(value: number | null): string {
  return value === null ? '—' : value.toFixed(2);
}
