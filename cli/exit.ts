/** Exit codes shared by every subcommand, so scripts and CI can rely on them. */
export const EXIT_OK = 0;
/** The work ran and found failures: parity below threshold, files that failed, ... */
export const EXIT_FAILURE = 1;
/** Bad usage or unusable input: unknown flag, unreadable file, target that cannot start. */
export const EXIT_USAGE = 2;

/** Thrown by a command for bad flags or unusable input; main() prints it and exits 2. */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}
