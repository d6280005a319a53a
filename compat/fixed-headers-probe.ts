/**
 * Runs a Connect/Express middleware once against a recording probe, to
 * learn whether all it does is write the same response headers whatever the
 * request: a req that notes any use at all (a Proxy over nothing), a res
 * that only offers setHeader/removeHeader/getHeader/hasHeader, a next()
 * that must be called before the middleware returns, without an error.
 *
 * The result is the list of header operations, in order, or why the
 * middleware cannot be replayed (its first use of anything else).
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { isThenable } from '../runtime/thenable.js';
import type { ExpressMiddleware } from './express-module.js';

export type HeaderValueOut = string | number | readonly string[];

/** One call the middleware made on res, to make again on every response. */
export type HeaderOp = { name: string; value: HeaderValueOut } | { name: string; value: null };

export type ProbeResult = { ops: HeaderOp[] } | { reason: string };

const RES_METHODS = new Set(['setHeader', 'removeHeader', 'getHeader', 'hasHeader']);

/** One probe run: what was recorded and the first thing that makes replaying it unsafe. */
class Recording {
  ops: HeaderOp[] = [];
  /** Lower-case name -> value after this run's own calls (null: removed by it). */
  own = new Map<string, HeaderValueOut | null>();
  reason: string | null = null;
  nextCalls = 0;
  done = false;
  private lateSeen = false;

  constructor(private readonly onLate: (why: string) => void) {}

  refuse(why: string): void {
    if (!this.done) {
      this.reason ??= why;
      return;
    }
    // The middleware kept a probe and used it later (a timer, a promise): what it did then was not replayed.
    if (this.lateSeen) return;
    this.lateSeen = true;
    this.onLate(why);
  }
}

/**
 * Probes twice: a middleware whose two runs differ (a counter, a clock) is
 * not constant. `onLate` hears, once, of a probe used after its run returned.
 */
export function probeHeadersTwice(mw: ExpressMiddleware, onLate: (why: string) => void): ProbeResult {
  const results = [0, 1].map(() => {
    const rec = new Recording(onLate);
    const result = runProbe(mw, rec);
    rec.done = true;
    return result;
  });
  const [first, second] = results as [ProbeResult, ProbeResult];
  if ('reason' in first) return first;
  if ('reason' in second) return second;
  if (!sameOps(first.ops, second.ops)) return { reason: 'two probe runs set different headers' };
  return { ops: first.ops };
}

function runProbe(mw: ExpressMiddleware, rec: Recording): ProbeResult {
  const req = new Proxy(Object.create(null), touchTraps(rec, 'req'));
  const res = new Proxy(Object.create(null), responseTraps(rec));
  const next = function next(this: unknown, ...args: unknown[]): void {
    if (rec.done) {
      rec.refuse('it called next() after returning');
      return;
    }
    rec.nextCalls++;
    if (args.length > 0 && args[0] !== undefined) rec.refuse('it called next() with an argument');
  };
  let returned: unknown;
  try {
    returned = Reflect.apply(mw, undefined, [req, res, next]);
  } catch (err) {
    // What it used first explains the throw better (res.end is not a function: it used res.end).
    if (rec.reason !== null) return { reason: rec.reason };
    return { reason: `it threw (${err instanceof Error ? err.message : String(err)})` };
  }
  if (rec.reason !== null) return { reason: rec.reason };
  if (isThenable(returned)) return { reason: 'it returned a promise' };
  if (rec.nextCalls !== 1) return { reason: rec.nextCalls === 0 ? 'it did not call next() before returning' : 'it called next() more than once' };
  return { ops: rec.ops };
}

/** Traps for every operation on a Proxy: each refuses the probe, naming what was used. */
function touchTraps(rec: Recording, what: string): ProxyHandler<object> {
  const touched = (detail: string) => rec.refuse(`it used ${what}${detail}`);
  return {
    get: (_t, prop) => { touched(`.${String(prop)}`); return undefined; },
    set: (_t, prop) => { touched(`.${String(prop)} (assigned)`); return true; },
    has: (_t, prop) => { touched(` ('${String(prop)}' in ${what})`); return false; },
    deleteProperty: (_t, prop) => { touched(`.${String(prop)} (deleted)`); return true; },
    defineProperty: (_t, prop) => { touched(`.${String(prop)} (defined)`); return true; },
    getOwnPropertyDescriptor: (_t, prop) => { touched(`.${String(prop)} (descriptor)`); return undefined; },
    ownKeys: () => { touched(' (its keys)'); return []; },
    getPrototypeOf: () => { touched(' (its prototype)'); return null; },
    setPrototypeOf: () => { touched(' (its prototype set)'); return true; },
    isExtensible: () => { touched(' (isExtensible)'); return true; },
    preventExtensions: () => { touched(' (preventExtensions)'); return false; },
  };
}

function responseTraps(rec: Recording): ProxyHandler<object> {
  const methods: Record<string, (...args: unknown[]) => unknown> = {
    setHeader: (name, value) => recordSet(rec, name, value),
    removeHeader: (name) => recordRemove(rec, name),
    getHeader: (name) => ownHeader(rec, name, 'getHeader'),
    hasHeader: (name) => ownHeader(rec, name, 'hasHeader') !== undefined,
  };
  const traps = touchTraps(rec, 'res');
  traps.get = (_t, prop) => {
    if (typeof prop === 'string' && RES_METHODS.has(prop)) {
      if (rec.done) rec.refuse(`it used res.${prop} after returning`);
      return methods[prop];
    }
    rec.refuse(`it used res.${String(prop)}`);
    return undefined;
  };
  return traps;
}

function recordSet(rec: Recording, name: unknown, value: unknown): unknown {
  if (typeof name !== 'string') return rec.refuse('it called res.setHeader with a name that is not a string');
  const copy = headerValue(value);
  if (copy === undefined) return rec.refuse(`it set ${name} to a value other than a string, a number or an array of strings`);
  // An invalid name or value would make node's setHeader throw on every request: leave that to fromExpress.
  try {
    validateHeaderName(name);
    validateHeaderValue(name, copy as string);
  } catch (err) {
    return rec.refuse(`node refuses header ${name}: ${(err as Error).message}`);
  }
  rec.ops.push({ name, value: copy });
  rec.own.set(name.toLowerCase(), copy);
  return undefined;
}

function recordRemove(rec: Recording, name: unknown): unknown {
  if (typeof name !== 'string') return rec.refuse('it called res.removeHeader with a name that is not a string');
  rec.ops.push({ name, value: null });
  rec.own.set(name.toLowerCase(), null);
  return undefined;
}

/** A header this run set or removed itself is known; any other depends on the response it is given. */
function ownHeader(rec: Recording, name: unknown, method: string): HeaderValueOut | undefined {
  const key = typeof name === 'string' ? name.toLowerCase() : null;
  if (key === null || !rec.own.has(key)) {
    rec.refuse(`it read res.${method}(${JSON.stringify(name)}), a header it did not set itself`);
    return undefined;
  }
  const value = rec.own.get(key)!;
  return value === null ? undefined : Array.isArray(value) ? [...value] : value;
}

/** A private copy of a header value (arrays are copied so later changes by the middleware do not leak in). */
function headerValue(value: unknown): HeaderValueOut | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return Object.freeze([...value]) as readonly string[];
  return undefined;
}

function sameOps(a: HeaderOp[], b: HeaderOp[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((op, i) => {
    const other = b[i]!;
    if (op.name !== other.name) return false;
    if (Array.isArray(op.value) && Array.isArray(other.value)) return op.value.length === other.value.length && op.value.every((v, k) => v === other.value![k as never]);
    return op.value === other.value;
  });
}
