/**
 * Coded errors, Fastify style: every error the project raises has a stable
 * `code` (EXW_ERR_<AREA>_<WHAT>), a message template and, where it maps to an
 * HTTP answer, a status. Callers match on `err.code`, never on `instanceof`,
 * so two installed copies of expressway still agree.
 *
 * Each area declares its own table with `defineErrors` (runtime/errors.ts,
 * verify/errors.ts, ...); docs/errors.md documents every code, and
 * test/errors-documented.test.ts fails when one is missing there.
 */

export interface ErrorSpec {
  /** Message template; `%s` placeholders are filled in order from the factory arguments. */
  message: string;
  /** HTTP status this error answers with, when it reaches a client. */
  status?: number;
  /**
   * body-parser's `type` for the same failure ('entity.too.large', ...), so
   * error handlers written for Express keep recognising it after migration.
   */
  type?: string;
}

export interface ExpresswayError extends Error {
  code: string;
  status?: number;
  /** Same as `status`, under the name http-errors also uses. */
  statusCode?: number;
  /** http-errors convention: true for 4xx, whose message is safe to show the client. */
  expose?: boolean;
  type?: string;
}

export type ErrorFactory = ((...args: Array<string | number>) => ExpresswayError) & {
  code: string;
  status?: number;
};

/** All codes defined so far, by code; read by the documentation test. */
export const errorRegistry = new Map<string, ErrorSpec>();

function format(template: string, args: Array<string | number>): string {
  let i = 0;
  return template.replace(/%s/g, () => (i < args.length ? String(args[i++]) : '%s'));
}

export function defineErrors<T extends Record<string, ErrorSpec>>(specs: T): { [K in keyof T]: ErrorFactory } {
  const out = {} as { [K in keyof T]: ErrorFactory };
  for (const code of Object.keys(specs) as Array<keyof T & string>) {
    const spec = specs[code];
    errorRegistry.set(code, spec);
    const factory = ((...args: Array<string | number>) => {
      const err = new Error(format(spec.message, args)) as ExpresswayError;
      err.name = 'ExpresswayError';
      err.code = code;
      if (spec.status !== undefined) {
        err.status = spec.status;
        err.statusCode = spec.status;
        err.expose = spec.status < 500;
      }
      if (spec.type !== undefined) err.type = spec.type;
      return err;
    }) as ErrorFactory;
    factory.code = code;
    if (spec.status !== undefined) factory.status = spec.status;
    out[code] = factory;
  }
  return out;
}

/** True when `err` carries the given code (works across installed copies). */
export function hasCode(err: unknown, code: string): err is ExpresswayError {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
