/**
 * Internal state of the bridges lives behind symbols (Fastify
 * lib/symbols.js), so nothing collides with what user middleware puts on
 * `req`/`res`: a middleware may well set `res.bridge` or `req.state`.
 */

/** The per-request bridge (response-capture.ts), on the raw ServerResponse. */
export const kBridge = Symbol('expressway.compat.bridge');
/** toExpress: Express's `next` for the request being served by the runtime, on the raw IncomingMessage. */
export const kOuterNext = Symbol('expressway.compat.outerNext');
/** toExpress: marks a Server whose first request middleware adopts Express's body and state. */
export const kAdopterInstalled = Symbol('expressway.compat.adopterInstalled');
/** The Context a raw request belongs to, read by the shared req.user/req.session accessors (state-bridge.ts). */
export const kContext = Symbol('expressway.compat.context');
/** Per-request values of state keys for requests that did not come through the runtime (state-bridge.ts). */
export const kLocalState = Symbol('expressway.compat.localState');
/** Express 4's req.query once parsed by the shared lazy accessor (express-prototypes.ts). */
export const kQuery = Symbol('expressway.compat.query');
