/**
 * Params typed from the path string, as Hono's ParamKeys:
 * `PathParams<'/users/{id}'>` is `{ id: string }`,
 * `PathParams<'/files/{path:.+}'>` is `{ path: string }`,
 * `PathParams<string>` (a path not known at compile time) is `Record<string, string>`.
 *
 * The regex part of `{name:regex}` may contain balanced braces
 * (`{id:\d{3}}`): the type skips them by counting `{` and `}`. Unlike the
 * runtime parser it does not know about escapes or character classes, so a
 * regex with an unbalanced brace such as `{x:[}]}` or `{x:\{}` gives the
 * wrong keys at type level (the runtime still parses it correctly); write
 * `{x:\x7d}` / `{x:\x7b}` instead. Recursion is tail-recursive, one step per
 * brace, so patterns with up to several hundred params or braces type-check.
 */

/** Param names of a pattern, as a union (never when there are none). */
export type PathParamNames<P extends string> = CollectNames<P, never>;

type CollectNames<S extends string, Acc extends string> = S extends `${string}{${infer Rest}`
  ? Rest extends `${infer Head}}${infer After}`
    ? Head extends `${infer Name}:${infer RegexStart}`
      ? CollectNames<SkipRegex<`${RegexStart}}${After}`, []>, Acc | Name>
      : CollectNames<After, Acc | Head>
    : Acc
  : Acc;

/**
 * Drops the regex of a `{name:regex}` up to its closing `}` (which is
 * consumed), counting nested braces with the tuple `Depth`.
 */
type SkipRegex<S extends string, Depth extends unknown[]> = S extends `${infer BeforeClose}}${infer AfterClose}`
  ? BeforeClose extends `${string}{${infer AfterOpen}`
    ? SkipRegex<`${AfterOpen}}${AfterClose}`, [...Depth, unknown]>
    : Depth extends [unknown, ...infer Outer]
      ? SkipRegex<AfterClose, Outer>
      : AfterClose
  : '';

/** Params object type for a pattern. */
export type PathParams<P extends string> = string extends P
  ? Record<string, string>
  : { [K in PathParamNames<P>]: string };
