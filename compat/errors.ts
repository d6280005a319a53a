/**
 * Coded errors of compat/ (documented in docs/_parts/errors-compat.md).
 */
import { defineErrors } from '../runtime/errors.js';

export const compatErrors = defineErrors({
  EXW_ERR_COMPAT_EXPRESS_MISSING: {
    message: "compat needs the 'express' package (Express 4 or 5) and could not load it: %s",
  },
  EXW_ERR_COMPAT_NOT_MIDDLEWARE: {
    message: '%s expects %s, got %s',
  },
  EXW_ERR_COMPAT_INVALID_OPTION: {
    message: '%s: option %s %s',
  },
  EXW_ERR_COMPAT_TIMEOUT: {
    message: 'Express middleware "%s" neither called next() nor responded within %s ms',
    status: 503,
  },
  EXW_ERR_COMPAT_CASE_MISMATCH: {
    message:
      '%s: the %s routes case-sensitively but the %s does not, so a path-scoped middleware could be skipped for a differently cased path (/ADMIN) that still reaches the route',
    status: 500,
  },
});

/** Warning code (process.emitWarning) for a middleware that calls next() more than once. */
export const WARN_NEXT_TWICE = 'EXW_WARN_COMPAT_NEXT_TWICE';
