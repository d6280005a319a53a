/**
 * Compares two HTTP answers: status, the chosen headers, and the body — JSON
 * field by field with JSON-pointer-like paths, other text as a unified diff
 * (the `diff` package), binaries by sha256. Used for both the A/A comparison
 * (primary vs secondary: noise) and the A/B one (primary vs candidate).
 */
import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import type { DifferenceKind } from './report-model.js';
import { looksLikeText } from './traffic.js';

/** An answer as captured by the replayer; header names keep the server's spelling. */
export interface Captured {
  status: number;
  /** Raw header pairs in order, names as sent. */
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface RawDifference {
  kind: DifferenceKind;
  path: string;
  primary?: unknown;
  candidate?: unknown;
  textDiff?: string;
}

export interface CompareOptions {
  /** Lower-case names of the headers to compare. */
  headers: readonly string[];
  /** Compare the spelling of header names too (off once the `header-case` normaliser ran). */
  headerNameCase: boolean;
}

/** Text bodies above this size are compared by hash: a line diff of megabytes costs more than it tells. */
const MAX_TEXT_DIFF_BYTES = 256 * 1024;

export function compareResponses(a: Captured, b: Captured, options: CompareOptions): RawDifference[] {
  const out: RawDifference[] = [];
  if (a.status !== b.status) out.push({ kind: 'status', path: '/status', primary: a.status, candidate: b.status });
  compareHeaders(a, b, options, out);
  if (!a.body.equals(b.body)) compareBodies(a, b, out);
  return out;
}

/** Escapes one JSON pointer segment (RFC 6901): `~` -> `~0`, `/` -> `~1`. */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

interface HeaderEntry {
  /** Names as sent, in order (a header may come several times). */
  names: string[];
  /** Values joined with ", ". */
  value: string;
}

/** Each answer is compared once or twice on several headers: index its headers by lower-case name once. */
const headerIndexes = new WeakMap<Captured, Map<string, HeaderEntry>>();

/**
 * Spellings HTTP defines as the same value, so no client can tell them apart:
 * in a Content-Type, the type, the parameter names and the charset value are
 * case-insensitive and the space around `;` is not significant (RFC 9110
 * 8.3.1-8.3.2): `application/json; charset=UTF-8` (Express 4's send) is
 * `application/json;charset=utf-8`.
 */
function sameHeaderMeaning(name: string, a: string, b: string): boolean {
  return name === 'content-type' && canonicalContentType(a) === canonicalContentType(b);
}

function canonicalContentType(value: string): string {
  const [type = '', ...params] = value.split(';');
  const canonical = params.map((param) => {
    const eq = param.indexOf('=');
    if (eq < 0) return param.trim().toLowerCase();
    const key = param.slice(0, eq).trim().toLowerCase();
    let v = param.slice(eq + 1).trim();
    if (key === 'charset') v = v.replace(/^"(.*)"$/, '$1').toLowerCase();
    return `${key}=${v}`;
  });
  return [type.trim().toLowerCase(), ...canonical].join(';');
}

function headerIndex(c: Captured): Map<string, HeaderEntry> {
  let index = headerIndexes.get(c);
  if (!index) {
    index = new Map();
    for (const [name, value] of c.headers) {
      const lower = name.toLowerCase();
      const entry = index.get(lower);
      if (entry) {
        entry.names.push(name);
        entry.value += `, ${value}`;
      } else index.set(lower, { names: [name], value });
    }
    headerIndexes.set(c, index);
  }
  return index;
}

function compareHeaders(a: Captured, b: Captured, options: CompareOptions, out: RawDifference[]): void {
  for (const name of options.headers) {
    const ha = headerIndex(a).get(name);
    const hb = headerIndex(b).get(name);
    const path = `/headers/${pointerSegment(name)}`;
    if (ha && !hb) out.push({ kind: 'header-missing', path, primary: ha.value });
    else if (!ha && hb) out.push({ kind: 'header-extra', path, candidate: hb.value });
    else if (ha && hb) {
      if (ha.value !== hb.value && !sameHeaderMeaning(name, ha.value, hb.value)) out.push({ kind: 'header', path, primary: ha.value, candidate: hb.value });
      else if (options.headerNameCase && ha.names.join() !== hb.names.join()) {
        out.push({ kind: 'header', path: `${path}/name`, primary: ha.names[0], candidate: hb.names[0] });
      }
    }
  }
}

function contentType(c: Captured): string {
  return headerIndex(c).get('content-type')?.value.toLowerCase() ?? '';
}

const NOT_JSON = Symbol('not json');
/** The primary answer is compared twice (with the secondary, with the candidate): parse it once. */
const parsedBodies = new WeakMap<Captured, unknown>();

function parseJson(c: Captured): unknown {
  if (parsedBodies.has(c)) return parsedBodies.get(c);
  const parsed = parseJsonUncached(c);
  parsedBodies.set(c, parsed);
  return parsed;
}

function parseJsonUncached(c: Captured): unknown {
  const type = contentType(c);
  const text = c.body.toString('utf8');
  // Without a JSON content type, only a body that looks like an object or array is tried.
  if (!type.includes('json') && !/^\s*[[{]/.test(text)) return NOT_JSON;
  if (c.body.length === 0) return NOT_JSON;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function compareBodies(a: Captured, b: Captured, out: RawDifference[]): void {
  const ja = parseJson(a);
  const jb = parseJson(b);
  if (ja !== NOT_JSON && jb !== NOT_JSON) {
    compareJson(ja, jb, '/body', out);
    return;
  }
  if (ja !== NOT_JSON || jb !== NOT_JSON) {
    out.push({ kind: 'body-format', path: '/body', primary: describeBody(a, ja), candidate: describeBody(b, jb) });
    return;
  }
  const textual = looksLikeText(a.body) && looksLikeText(b.body);
  if (textual && a.body.length <= MAX_TEXT_DIFF_BYTES && b.body.length <= MAX_TEXT_DIFF_BYTES) {
    const ta = a.body.toString('utf8');
    const tb = b.body.toString('utf8');
    out.push({ kind: 'text', path: '/body', primary: ta, candidate: tb, textDiff: createTwoFilesPatch('primary', 'candidate', ta, tb) });
    return;
  }
  out.push({ kind: 'binary', path: '/body', primary: sha256(a.body), candidate: sha256(b.body) });
}

function describeBody(c: Captured, parsed: unknown): unknown {
  if (parsed !== NOT_JSON) return parsed;
  return looksLikeText(c.body) && c.body.length <= MAX_TEXT_DIFF_BYTES ? c.body.toString('utf8') : sha256(c.body);
}

export function sha256(bytes: Buffer): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function compareJson(a: unknown, b: unknown, path: string, out: RawDifference[]): void {
  const ta = jsonType(a);
  const tb = jsonType(b);
  if (ta !== tb) {
    out.push({ kind: 'type', path, primary: a, candidate: b });
    return;
  }
  if (ta === 'array') {
    const xa = a as unknown[];
    const xb = b as unknown[];
    const common = Math.min(xa.length, xb.length);
    for (let i = 0; i < common; i++) compareJson(xa[i], xb[i], `${path}/${i}`, out);
    for (let i = common; i < xa.length; i++) out.push({ kind: 'missing', path: `${path}/${i}`, primary: xa[i] });
    for (let i = common; i < xb.length; i++) out.push({ kind: 'extra', path: `${path}/${i}`, candidate: xb[i] });
    return;
  }
  if (ta === 'object') {
    const oa = a as Record<string, unknown>;
    const ob = b as Record<string, unknown>;
    for (const key of Object.keys(oa)) {
      const p = `${path}/${pointerSegment(key)}`;
      if (!Object.hasOwn(ob, key)) out.push({ kind: 'missing', path: p, primary: oa[key] });
      else compareJson(oa[key], ob[key], p, out);
    }
    for (const key of Object.keys(ob)) {
      if (!Object.hasOwn(oa, key)) out.push({ kind: 'extra', path: `${path}/${pointerSegment(key)}`, candidate: ob[key] });
    }
    return;
  }
  if (a !== b) out.push({ kind: 'value', path, primary: a, candidate: b });
}
