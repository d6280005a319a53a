/** A value the pipeline waits for: an object with a callable `then` (promises and foreign thenables). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}
