import type { Command } from 'commander';

// Owned by the issue that builds `expressway verify`; replaced there.
export function registerVerify(program: Command): void {
  void program;
}
