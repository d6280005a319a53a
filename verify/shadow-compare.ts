/**
 * The shadow proxy's comparison of one primary answer with one candidate
 * answer. The diff itself is verify's (diff.ts: status, chosen headers, JSON
 * field by field, text diffs, binary hashes); this file adapts the proxy's
 * captures to it and redacts every value before it is stored, because a
 * shadow report is built from live traffic.
 */
import { compareResponses, type Captured, type RawDifference } from './diff.js';
import { REDACTED, type Redactor } from './redact.js';

export interface ComparedAnswer {
  status: number;
  /** Raw header pairs as received. */
  headers: Array<[string, string]>;
  body: Buffer;
}

export type ShadowComparer = (primary: ComparedAnswer, candidate: ComparedAnswer) => RawDifference[];

export function createComparer(headers: string[], redactor: Redactor): ShadowComparer {
  const options = { headers: headers.map((h) => h.toLowerCase()), headerNameCase: false };
  return (primary, candidate) =>
    compareResponses(primary as Captured, candidate as Captured, options).map((d) => redactDifference(d, redactor, primary));
}

/** Pairs from a flat raw header list. */
export function headerPairs(rawHeaders: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < rawHeaders.length; i += 2) out.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return out;
}

function redactDifference(d: RawDifference, redactor: Redactor, primary: ComparedAnswer): RawDifference {
  const segments = d.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const redactValue = (value: unknown): unknown => {
    if (value === undefined) return undefined;
    if (segments[0] === 'headers') return typeof value === 'string' ? redactor.header(segments[1] ?? '', value) : value;
    if (segments[0] !== 'body') return value;
    // A JSON leaf under a secret key, anywhere on its path, is a secret.
    if (segments.slice(1).some((s) => redactor.isSecretField(s))) return REDACTED;
    if (typeof value === 'string' && segments.length === 1) {
      const type = primary.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
      return redactor.text(value, type);
    }
    return redactor.json(value);
  };
  const out: RawDifference = { kind: d.kind, path: d.path };
  if ('primary' in d) out.primary = redactValue(d.primary);
  if ('candidate' in d) out.candidate = redactValue(d.candidate);
  if (d.textDiff !== undefined) {
    // A text diff is rebuilt from redacted sides only when redaction changed something; otherwise kept as is.
    const changed = out.primary !== d.primary || out.candidate !== d.candidate;
    if (!changed) out.textDiff = d.textDiff;
  }
  return out;
}
