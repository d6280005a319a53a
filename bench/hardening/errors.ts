/** Coded errors of `npm run hardening` (documented in docs/RELIABILITY.md, "Error codes"). */
import { defineErrors } from '../../runtime/errors.js';

export const hardeningErrors = defineErrors({
  EXW_ERR_HARDENING_USAGE: { message: 'Bad hardening option: %s' },
});
