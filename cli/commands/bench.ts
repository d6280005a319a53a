import type { Command } from 'commander';

// Owned by the issue that builds `expressway bench`; replaced there.
export function registerBench(program: Command): void {
  void program;
}
