import type { Command } from 'commander';

// Owned by the issue that builds `expressway report`; replaced there.
export function registerReport(program: Command): void {
  void program;
}
