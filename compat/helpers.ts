/**
 * expressway/helpers: the few helper packages Express itself calls that
 * migrated code calls the same way, typed, in the ranges both Express majors
 * depend on (parseurl ~1.3.3, encodeurl ~2.0.0, http-errors ~2.0.0 in Express
 * 4.21+ and 5.x alike). Migrated code imports them from here rather than from
 * the app's node_modules, where they are only present as Express's own
 * (untyped) dependencies and disappear with it; the codemod does so only
 * when the app's Express loads the same version as this package
 * (codemods/transforms/helper-sources.ts: patch releases differ, encodeurl
 * 2.0.0 and 2.0.3 encode `%[` differently).
 *
 * accepts and type-is are not here: Express 4 uses accepts 1 / type-is 1 and
 * Express 5 accepts 2 / type-is 2, whose media-type tables differ, so one copy
 * cannot answer as both; migrated code keeps the app's own resolution of those.
 */
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** What parseurl gives for a request a Node server received (llhttp only accepts targets with a path, `*` or an absolute URL). */
export interface RequestUrl {
  /** The path part of the request target, undecoded (`*` for `OPTIONS *`, `/` for an absolute URL without a path). */
  pathname: string;
  /** The query string without the `?`, or null. */
  query: string | null;
  /** The query string with the `?`, or null. */
  search: string | null;
  /** pathname and search. */
  path: string | null;
  href: string;
}

/** The HTTP error http-errors makes (status, statusCode, expose, and the properties passed in). */
export interface HttpError extends Error {
  status: number;
  statusCode: number;
  expose: boolean;
  headers?: Record<string, string>;
  [key: string]: unknown;
}

type ParseUrl = (req: IncomingMessage) => RequestUrl;
type EncodeUrl = (url: string) => string;
type CreateError = (...args: Array<Error | string | number | Record<string, unknown>>) => HttpError;

/** parseurl(req): the request's URL parsed as Express's router and req.path read it (memoised on the request, as Express's is). */
export const parseurl: ParseUrl = require('parseurl');
/** encodeurl(url): what res.location and res.redirect put in the Location header. */
export const encodeUrl: EncodeUrl = require('encodeurl');
/** http-errors' createError(status, props): the errors Express hands to next() (res.format's 406). */
export const createError: CreateError = require('http-errors');
