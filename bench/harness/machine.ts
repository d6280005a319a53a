/** The machine description that goes with every result. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Machine } from './results.js';

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // Not Linux: fall back to what node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(pinned: boolean): Machine {
  return {
    cpuModel: cpuModel(),
    // All cores of the machine, not this process's affinity mask (the harness pins itself to one).
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
    pinned,
  };
}
