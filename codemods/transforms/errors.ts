/** Coded errors of the per-file transforms (docs/_parts/errors-codemods.md). */
import { defineErrors } from '../../runtime/errors.js';

export const transformErrors = defineErrors({
  EXW_ERR_CODEMOD_TRANSFORM_PARSE: {
    message: '%s:%s: cannot parse the file (%s); it was left untouched',
  },
  EXW_ERR_CODEMOD_TRANSFORM_PARSER: {
    message: 'unknown parser "%s"; use one of babel, tsx, ts, flow',
  },
});
