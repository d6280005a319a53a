/**
 * Accept-Encoding negotiation exactly as compression 1.8 does it:
 * `new Negotiator(req).encoding(available, preferred)` from negotiator
 * 0.6.x, the version compression depends on (~0.6.4). The project's own
 * negotiator is 1.x, whose header parser differs (quoted parameters, the
 * `{ preferred }` options object), so this file follows 0.6.x's steps:
 * split on ',', one `token;params` regex per part, `q` the first q
 * parameter (parseFloat), identity added at the lowest quality seen unless
 * `identity` or `*` is listed, then a stable sort of the candidates with the
 * `preferred` comparator. runtime/accept-encoding.test.ts runs it side by
 * side with negotiator 0.6.x on a few thousand headers.
 */

interface Accepted {
  encoding: string;
  q: number;
  i: number;
}

interface Priority {
  encoding: string;
  /** Index of the candidate in `available`. */
  i: number;
  /** Index of the header entry that matched (-1: none). */
  o: number;
  q: number;
  /** 1 when the entry named the encoding, 0 for '*'. */
  s: number;
}

const ENTRY = /^\s*([^\s;]+)\s*(?:;(.*))?$/;

function parseEntry(text: string, i: number): Accepted | null {
  const match = ENTRY.exec(text);
  if (match === null) return null;
  let q = 1;
  if (match[2]) {
    for (const param of match[2].split(';')) {
      const pair = param.trim().split('=');
      if (pair[0] === 'q') {
        q = parseFloat(pair[1]!);
        break;
      }
    }
  }
  return { encoding: match[1]!, q, i };
}

/** How an entry applies to `encoding`: null when it does not (another name, not '*'). */
function specify(encoding: string, entry: Accepted, index: number): Priority | null {
  let s = 0;
  if (entry.encoding.toLowerCase() === encoding.toLowerCase()) s |= 1;
  else if (entry.encoding !== '*') return null;
  return { encoding, i: index, o: entry.i, q: entry.q, s };
}

function parseHeader(header: string): Accepted[] {
  const parts = header.split(',');
  const accepted: Accepted[] = [];
  let hasIdentity = false;
  let minQuality = 1;
  let i = 0;
  for (; i < parts.length; i++) {
    const entry = parseEntry(parts[i]!.trim(), i);
    if (entry === null) continue;
    accepted.push(entry);
    hasIdentity = hasIdentity || specify('identity', entry, 0) !== null;
    minQuality = Math.min(minQuality, entry.q || 1);
  }
  // identity is acceptable unless refused explicitly: at the lowest quality listed.
  if (!hasIdentity) accepted.push({ encoding: 'identity', q: minQuality, i });
  return accepted;
}

function priorityOf(encoding: string, accepted: Accepted[], index: number): Priority {
  let best: Priority = { encoding, i: index, o: -1, q: 0, s: 0 };
  for (const entry of accepted) {
    const spec = specify(encoding, entry, index);
    if (spec !== null && (best.s - spec.s || best.q - spec.q || best.o - spec.o) < 0) best = spec;
  }
  return best;
}

function byPreference(preferred: readonly string[]): (a: Priority, b: Priority) => number {
  return (a, b) => {
    if (a.q !== b.q) return b.q - a.q;
    const ap = preferred.indexOf(a.encoding);
    const bp = preferred.indexOf(b.encoding);
    if (ap === -1 && bp === -1) return b.s - a.s || a.o - b.o || a.i - b.i;
    if (ap !== -1 && bp !== -1) return ap - bp;
    return ap === -1 ? 1 : -1;
  };
}

/** The encoding negotiator 0.6.x's `encoding(available, preferred)` returns, or undefined. */
export function negotiateEncoding(header: string | undefined, available: readonly string[], preferred: readonly string[]): string | undefined {
  const accepted = parseHeader(header || '');
  const candidates: Priority[] = [];
  for (let i = 0; i < available.length; i++) {
    const priority = priorityOf(available[i]!, accepted, i);
    if (priority.q > 0) candidates.push(priority);
  }
  if (candidates.length === 0) return undefined;
  candidates.sort(byPreference(preferred));
  return available[candidates[0]!.i];
}
