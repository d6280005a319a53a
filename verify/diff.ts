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

const NOT_JSON = Symbol('not json');
const UNPARSED = Symbol('unparsed');

export function compareResponses(a: Captured, b: Captured, options: CompareOptions): RawDifference[] {
  return compareViews(new AnswerView(a, options.headers), new AnswerView(b, options.headers), options);
}

/**
 * The A/A and A/B comparisons of one replayed request: the primary's compared
 * headers are looked up and its body parsed once for both.
 */
export function compareWithBaseline(primary: Captured, secondary: Captured, candidate: Captured, options: CompareOptions): [aa: RawDifference[], ab: RawDifference[]] {
  const p = new AnswerView(primary, options.headers);
  return [compareViews(p, new AnswerView(secondary, options.headers), options), compareViews(p, new AnswerView(candidate, options.headers), options)];
}

function compareViews(a: AnswerView, b: AnswerView, options: CompareOptions): RawDifference[] {
  const out: RawDifference[] = [];
  if (a.c.status !== b.c.status) out.push({ kind: 'status', path: '/status', primary: a.c.status, candidate: b.c.status });
  compareHeaders(a, b, options, out);
  if (!a.c.body.equals(b.c.body)) compareBodies(a, b, out);
  return out;
}

/** Escapes one JSON pointer segment (RFC 6901): `~` -> `~0`, `/` -> `~1`. */
export function pointerSegment(key: string | number): string {
  if (typeof key === 'number') return String(key);
  // Almost every key has neither character: no regex and no new string then.
  if (key.indexOf('~') < 0 && key.indexOf('/') < 0) return key;
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

interface HeaderEntry {
  /** Names as sent, in order (a header may come several times). */
  names: string[];
  /** Values joined with ", ". */
  value: string;
}

/** An answer with what the comparison looks up once: its compared headers, and its body parsed on first need. */
class AnswerView {
  /** Entries of the compared header names, in the order of those names. */
  readonly entries: Array<HeaderEntry | undefined>;
  private parsed: unknown = UNPARSED;

  constructor(
    readonly c: Captured,
    names: readonly string[],
  ) {
    this.entries = headerEntries(c, names);
  }

  json(): unknown {
    if (this.parsed === UNPARSED) this.parsed = parseJson(this.c);
    return this.parsed;
  }
}

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

/** The entries of `names` (lower case) in `c`'s headers, in the order of `names`; one pass over the headers. */
function headerEntries(c: Captured, names: readonly string[]): Array<HeaderEntry | undefined> {
  const entries: Array<HeaderEntry | undefined> = new Array(names.length).fill(undefined);
  for (const [name, value] of c.headers) {
    // Only names of a compared length can match: most headers skip the lower-casing.
    const i = indexOfName(names, name);
    if (i < 0) continue;
    const entry = entries[i];
    if (entry) {
      entry.names.push(name);
      entry.value += `, ${value}`;
    } else entries[i] = { names: [name], value };
  }
  return entries;
}

function indexOfName(names: readonly string[], name: string): number {
  let lower: string | undefined;
  for (let i = 0; i < names.length; i++) {
    if (names[i]!.length !== name.length) continue;
    lower ??= name.toLowerCase();
    if (names[i] === lower) return i;
  }
  return -1;
}

function compareHeaders(a: AnswerView, b: AnswerView, options: CompareOptions, out: RawDifference[]): void {
  const names = options.headers;
  const ea = a.entries;
  const eb = b.entries;
  for (let i = 0; i < names.length; i++) {
    const ha = ea[i];
    const hb = eb[i];
    if (!ha && !hb) continue;
    const name = names[i]!;
    if (ha && !hb) out.push({ kind: 'header-missing', path: headerPath(name), primary: ha.value });
    else if (!ha && hb) out.push({ kind: 'header-extra', path: headerPath(name), candidate: hb.value });
    else if (ha && hb) {
      if (ha.value !== hb.value && !sameHeaderMeaning(name, ha.value, hb.value)) out.push({ kind: 'header', path: headerPath(name), primary: ha.value, candidate: hb.value });
      else if (options.headerNameCase && !sameNames(ha.names, hb.names)) {
        out.push({ kind: 'header', path: `${headerPath(name)}/name`, primary: ha.names[0], candidate: hb.names[0] });
      }
    }
  }
}

const headerPath = (name: string) => `/headers/${pointerSegment(name)}`;

function sameNames(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function contentType(c: Captured): string {
  let joined: string | undefined;
  for (const [name, value] of c.headers) {
    if (name.length === 12 && name.toLowerCase() === 'content-type') joined = joined === undefined ? value : `${joined}, ${value}`;
  }
  return joined?.toLowerCase() ?? '';
}

function parseJson(c: Captured): unknown {
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

function compareBodies(va: AnswerView, vb: AnswerView, out: RawDifference[]): void {
  const ja = va.json();
  const jb = vb.json();
  const a = va.c;
  const b = vb.c;
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
  compareAt(a, b, { parent: undefined, segment: path }, out);
}

/**
 * Where a value sits, as a chain of segments: the path string is built only
 * for a difference. Most fields are equal, and building `/body/a/b` for each
 * of them was most of the comparison's allocations.
 */
interface Place {
  parent: Place | undefined;
  /** Escaped segment (the root holds the whole prefix, `/body`). */
  segment: string | number;
}

function pathOf(place: Place): string {
  let path = String(place.segment);
  for (let p = place.parent; p; p = p.parent) path = `${p.segment}/${path}`;
  return path;
}

function compareAt(a: unknown, b: unknown, place: Place, out: RawDifference[]): void {
  if (a === b) return;
  const ta = jsonType(a);
  const tb = jsonType(b);
  if (ta !== tb) {
    out.push({ kind: 'type', path: pathOf(place), primary: a, candidate: b });
    return;
  }
  if (ta === 'array') {
    const xa = a as unknown[];
    const xb = b as unknown[];
    const common = Math.min(xa.length, xb.length);
    for (let i = 0; i < common; i++) {
      const va = xa[i];
      const vb = xb[i];
      if (va !== vb) compareAt(va, vb, { parent: place, segment: i }, out);
    }
    for (let i = common; i < xa.length; i++) out.push({ kind: 'missing', path: `${pathOf(place)}/${i}`, primary: xa[i] });
    for (let i = common; i < xb.length; i++) out.push({ kind: 'extra', path: `${pathOf(place)}/${i}`, candidate: xb[i] });
    return;
  }
  if (ta === 'object') {
    const oa = a as Record<string, unknown>;
    const ob = b as Record<string, unknown>;
    let shared = 0;
    for (const key in oa) {
      if (!Object.hasOwn(oa, key)) continue;
      if (!Object.hasOwn(ob, key)) {
        out.push({ kind: 'missing', path: `${pathOf(place)}/${pointerSegment(key)}`, primary: oa[key] });
        continue;
      }
      shared++;
      const va = oa[key];
      const vb = ob[key];
      if (va !== vb) compareAt(va, vb, { parent: place, segment: pointerSegment(key) }, out);
    }
    // Every key of b was seen in a unless b has more keys than the two share.
    if (countOwn(ob) === shared) return;
    for (const key in ob) {
      if (Object.hasOwn(ob, key) && !Object.hasOwn(oa, key)) out.push({ kind: 'extra', path: `${pathOf(place)}/${pointerSegment(key)}`, candidate: ob[key] });
    }
    return;
  }
  out.push({ kind: 'value', path: pathOf(place), primary: a, candidate: b });
}

function countOwn(o: Record<string, unknown>): number {
  let n = 0;
  for (const key in o) if (Object.hasOwn(o, key)) n++;
  return n;
}
