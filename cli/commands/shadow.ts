import type { Command } from 'commander';

// Owned by the issue that builds `expressway shadow`; replaced there.
export function registerShadow(program: Command): void {
  void program;
}
