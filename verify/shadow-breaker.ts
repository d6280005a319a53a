/**
 * The candidate's circuit breaker. A candidate that stopped answering (hanging
 * until the mirror deadline, or refusing connections) still costs the proxy
 * work for every mirror request sent to it: a socket held until the
 * deadline, then closed and reconnected for the next job, all in bursts on
 * the event loop that answers clients. After `failures` failures in a row
 * the breaker opens: no mirror request is sent (each one is counted as
 * skipped) until `cooldownMs` has passed; then one probe request is let
 * through. Its answer closes the breaker; its failure opens it again for
 * another cooldown.
 *
 * An answer of any status counts as an answer: a candidate that answers
 * 500 is compared (a difference), not cut off.
 *
 * Cutover answers go through the same breaker: while it is open, requests
 * chosen for the candidate are answered by the primary at once instead of
 * each waiting for the cutover deadline.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What a mirror request was let through as: a normal request, or the one probe of a half-open breaker. */
export type BreakerTicket = 'pass' | 'probe';

export interface BreakerSnapshot {
  state: BreakerState;
  /** Times the breaker opened (from closed, or again after a failed probe). */
  opened: number;
  /** Mirror requests not sent because the breaker was open. */
  skipped: number;
}

export interface CandidateBreaker {
  readonly state: BreakerState;
  /** Cheap check before queueing: false while open and cooling down, or while a probe is out. */
  admits(): boolean;
  /** Asks to send one request now; undefined when it must not be sent (the caller counts the skip, if it is a mirror). */
  take(): BreakerTicket | undefined;
  /** The candidate answered the request sent with this ticket. */
  succeeded(ticket: BreakerTicket): void;
  /** The candidate timed out, refused or reset the request sent with this ticket. */
  failed(ticket: BreakerTicket): void;
  /** Counts a mirror request not sent because the breaker was open. */
  countSkipped(): void;
  snapshot(): BreakerSnapshot;
}

export interface CandidateBreakerOptions {
  /** Failures in a row that open the breaker; 0 never opens. */
  failures: number;
  /** How long the breaker stays open before one probe is sent, in ms. */
  cooldownMs: number;
  /** Called each time the breaker opens (the proxy clears its queue of jobs for the candidate). */
  onOpen?: () => void;
  now?: () => number;
}

export function createCandidateBreaker(options: CandidateBreakerOptions): CandidateBreaker {
  const now = options.now ?? (() => performance.now());
  let state: BreakerState = 'closed';
  let inARow = 0;
  let openedAt = 0;
  let opened = 0;
  let skipped = 0;

  const open = () => {
    state = 'open';
    openedAt = now();
    opened++;
    inARow = 0;
    options.onOpen?.();
  };
  const coolingDown = () => now() - openedAt < options.cooldownMs;

  return {
    get state() {
      return state;
    },
    admits() {
      if (state === 'closed') return true;
      return state === 'open' && !coolingDown();
    },
    take() {
      if (state === 'closed') return 'pass';
      if (state === 'open' && !coolingDown()) {
        state = 'half-open';
        return 'probe';
      }
      return undefined;
    },
    succeeded(ticket) {
      // Answers to requests sent before the breaker opened say nothing about the candidate now.
      if (ticket === 'probe' || state === 'closed') {
        state = 'closed';
        inARow = 0;
      }
    },
    failed(ticket) {
      if (ticket === 'probe') {
        open();
        return;
      }
      if (state !== 'closed' || options.failures <= 0) return;
      if (++inARow >= options.failures) open();
    },
    countSkipped() {
      skipped++;
    },
    snapshot() {
      return { state, opened, skipped };
    },
  };
}
