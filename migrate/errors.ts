/** Coded errors of migrate/ (`expressway migrate`). Documented in docs/troubleshooting.md. */
import { defineErrors } from '../runtime/errors.js';

export const MigrateErrors = defineErrors({
  EXW_ERR_MIGRATE_APP_DIR: { message: 'app directory %s: %s' },
  EXW_ERR_MIGRATE_OUT_EXISTS: { message: 'out directory %s is not empty; pass --force to replace it, or choose another --out' },
  EXW_ERR_MIGRATE_OUT_INSIDE_APP: { message: 'out directory %s lies inside the app directory %s; choose an --out outside it' },
  EXW_ERR_MIGRATE_OUT_CONTAINS_APP: { message: 'out directory %s contains the app directory %s (replacing it would delete the app); choose another --out' },
  EXW_ERR_MIGRATE_NO_ENTRY: { message: 'cannot tell how to start %s: no package.json "start" script and no server.js, server.ts, index.js or index.ts' },
  EXW_ERR_MIGRATE_NO_TRAFFIC: { message: 'no traffic for %s: pass --traffic FILE, add a traffic.ndjson, or give the app a test suite to record (%s)' },
  EXW_ERR_MIGRATE_RECORD: { message: 'recording traffic from the test suite of %s failed: %s' },
  EXW_ERR_MIGRATE_OPTION: { message: '%s: %s' },
  EXW_ERR_MIGRATE_ORIGINAL_START: { message: 'the original app did not start: %s' },
  EXW_ERR_MIGRATE_CANDIDATE_START: { message: 'the migrated app did not start (the migration broke it): %s' },
});

/** Codes that mean "unusable input" (exit 2) rather than "ran and found failures" (exit 1). */
export const MIGRATE_USAGE_CODES = new Set([
  MigrateErrors.EXW_ERR_MIGRATE_APP_DIR.code,
  MigrateErrors.EXW_ERR_MIGRATE_OUT_EXISTS.code,
  MigrateErrors.EXW_ERR_MIGRATE_OUT_INSIDE_APP.code,
  MigrateErrors.EXW_ERR_MIGRATE_OUT_CONTAINS_APP.code,
  MigrateErrors.EXW_ERR_MIGRATE_NO_ENTRY.code,
  MigrateErrors.EXW_ERR_MIGRATE_NO_TRAFFIC.code,
  MigrateErrors.EXW_ERR_MIGRATE_OPTION.code,
  MigrateErrors.EXW_ERR_MIGRATE_ORIGINAL_START.code,
]);

/** Codes that mean the migration itself failed (exit 1), though no report could be made. */
export const MIGRATE_FAILURE_CODES = new Set([MigrateErrors.EXW_ERR_MIGRATE_CANDIDATE_START.code]);
