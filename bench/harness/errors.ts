/** Coded errors of the benchmark harness (documented in docs/BENCHMARKS.md, "Error codes"). */
import { defineErrors } from '../../runtime/errors.js';

export const benchErrors = defineErrors({
  EXW_ERR_BENCH_USAGE: { message: 'Bad bench option: %s' },
  EXW_ERR_BENCH_PEER_START: { message: 'Peer "%s" did not start: %s' },
  EXW_ERR_BENCH_PEER_CHECK: { message: 'Peer "%s" gives a wrong answer for scenario (%s): %s' },
  EXW_ERR_BENCH_PIN: { message: 'Could not pin process %s to core %s with taskset: %s' },
});
