/** Coded errors of compress() (runtime/compress.ts), documented in docs/errors.md. */
import { defineErrors } from './errors.js';

export const compressErrors = defineErrors({
  EXW_ERR_COMPRESS_FILTER: {
    message: 'compress() takes no `filter` option: a compression filter is written for Express req/res; keep compression() on fromExpress',
  },
  EXW_ERR_COMPRESS_OPTIONS: { message: 'compress() options are not valid zlib/brotli options: %s' },
});
