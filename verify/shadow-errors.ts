/**
 * Coded errors of the live tools in verify/: the shadow proxy, the bench and
 * the report renderers/merge. Documented in docs/_parts/errors-reports.md.
 */
import { defineErrors } from '../runtime/errors.js';

export const ShadowErrors = defineErrors({
  EXW_ERR_SHADOW_TARGET: { message: '%s "%s" is not an http:// URL' },
  EXW_ERR_SHADOW_OPTION: { message: 'shadow option %s: %s' },
  EXW_ERR_SHADOW_CUTOVER_ROUTES: { message: 'cutover routes %s: %s' },
  EXW_ERR_SHADOW_LISTEN: { message: 'shadow proxy could not listen on %s: %s' },
});

export const BenchErrors = defineErrors({
  EXW_ERR_BENCH_TARGET: { message: 'bench %s "%s" is not an http(s) URL' },
  EXW_ERR_BENCH_OPTION: { message: 'bench option %s: %s' },
  EXW_ERR_BENCH_NO_REQUESTS: { message: 'bench needs at least one request (traffic %s holds none usable)' },
  EXW_ERR_BENCH_RUN: { message: 'bench against %s failed: %s' },
});

export const ReportErrors = defineErrors({
  EXW_ERR_REPORT_READ: { message: 'report %s could not be read: %s' },
  EXW_ERR_REPORT_MERGE_VERSION: { message: 'reports %s and %s have different versions (%s and %s); merge reports written by the same expressway' },
  EXW_ERR_REPORT_MERGE_SHARD: { message: 'reports %s and %s overlap: %s' },
  EXW_ERR_REPORT_MERGE_MISMATCH: { message: 'reports %s and %s do not belong to one run: %s' },
  EXW_ERR_REPORT_MERGE_INPUT: { message: 'report merge: %s' },
});
