import type { Command } from 'commander';

// Owned by the issue that builds `expressway codemod`; replaced there.
export function registerCodemod(program: Command): void {
  void program;
}
