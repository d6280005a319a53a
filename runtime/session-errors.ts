/**
 * Coded errors of runtime/session.ts (documented in docs/errors.md, Sessions).
 */
import { defineErrors } from './errors.js';

export const sessionErrors = defineErrors({
  EXW_ERR_SESSION_NO_SECRET: {
    message: 'session() has no secret to sign the session cookie: pass { secret } or the Server option cookieSecret',
    status: 500,
  },
  EXW_ERR_SESSION_NOT_FOUND: { message: 'failed to load session %s: the store no longer has it', status: 500 },
});
