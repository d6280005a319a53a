/** Coded errors of verify/ (record, traffic, replay, compare). Documented in docs/_parts/errors-verify.md. */
import { defineErrors } from '../runtime/errors.js';

export const VerifyErrors = defineErrors({
  EXW_ERR_VERIFY_TRAFFIC_LINE: { message: 'traffic %s %s: %s' },
  EXW_ERR_VERIFY_TRAFFIC_FORMAT: { message: 'traffic %s: %s' },
  EXW_ERR_VERIFY_TRAFFIC_VERSION: { message: 'traffic %s line %s: schema version %s is not supported (this expressway reads version %s)' },
  EXW_ERR_VERIFY_TRAFFIC_EMPTY: { message: 'traffic %s holds no usable exchange' },
  EXW_ERR_VERIFY_TARGET_START: { message: '%s target could not start: %s' },
  EXW_ERR_VERIFY_TARGET_EXITED: { message: '%s target exited during the run (%s)' },
  EXW_ERR_VERIFY_TARGET_INVALID: { message: '%s target "%s" is neither an http(s) URL nor a command' },
  EXW_ERR_VERIFY_RULES: { message: 'rules file %s: %s' },
  EXW_ERR_VERIFY_ROUTES: { message: 'routes file %s: %s' },
  EXW_ERR_VERIFY_NORMALISER: { message: 'unknown normaliser "%s" (known: %s)' },
  EXW_ERR_VERIFY_SHARD: { message: 'invalid shard "%s": expected i/n with 1 <= i <= n' },
  EXW_ERR_VERIFY_REPORT_VERSION: { message: 'report %s: %s' },
  EXW_ERR_VERIFY_RECORD_TARGET: { message: 'record target "%s" is not an http(s) URL' },
});
