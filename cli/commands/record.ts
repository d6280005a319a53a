import type { Command } from 'commander';

// Owned by the issue that builds `expressway record`; replaced there.
export function registerRecord(program: Command): void {
  void program;
}
