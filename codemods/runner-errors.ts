/** Coded errors of the codemod runner (docs/_parts/errors-codemods-runner.md). */
import { defineErrors } from '../runtime/errors.js';

export const runnerErrors = defineErrors({
  EXW_ERR_CODEMOD_RUNNER_PATH: {
    message: 'path "%s" does not exist',
  },
  EXW_ERR_CODEMOD_RUNNER_USAGE: {
    message: '%s',
  },
  EXW_ERR_CODEMOD_RUNNER_TRANSFORM: {
    message: 'cannot use transform "%s": %s',
  },
  EXW_ERR_CODEMOD_RUNNER_READ: {
    message: '%s: cannot read the file (%s)',
  },
  EXW_ERR_CODEMOD_RUNNER_WRITE: {
    message: '%s: cannot write the file (%s); the original is untouched',
  },
  EXW_ERR_CODEMOD_RUNNER_WORKER: {
    message: '%s: the worker processing this file stopped (%s)',
  },
  EXW_ERR_CODEMOD_RUNNER_OUTPUT: {
    message: '%s: the transform returned %s instead of a string or null',
  },
});

/** Codes that mean bad usage (exit code 2) rather than a failed file. */
export const USAGE_CODES = new Set([
  runnerErrors.EXW_ERR_CODEMOD_RUNNER_PATH.code,
  runnerErrors.EXW_ERR_CODEMOD_RUNNER_USAGE.code,
  runnerErrors.EXW_ERR_CODEMOD_RUNNER_TRANSFORM.code,
]);
