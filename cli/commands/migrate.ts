import type { Command } from 'commander';

// Owned by the issue that builds `expressway migrate`; replaced there.
export function registerMigrate(program: Command): void {
  void program;
}
