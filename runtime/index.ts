/**
 * expressway/runtime: the public API. Importing it stays cheap: `ws` and
 * `send` load on first use (WebSocket upgrade, file response).
 */
export { Server } from './server.js';
export { Router } from './router-group.js';
export { Context } from './context.js';
export type { HeaderValue, ResponseBody, RedirectOptions } from './context.js';
export type { Handler, ErrorHook, DefaultState, Params } from './core.js';
export type { ServerOptions, TrustProxy, QueryParser, AutoOptionsStyle, MalformedPathMode } from './options.js';
export type { ListenOptions, CloseOptions, RunningServer } from './listen.js';
export type { ClusterHandle } from './cluster.js';
export type { CookieOptions, Cookies } from './cookies.js';
export type { Query } from './query.js';
export { jsonBody, formBody } from './body.js';
export type { BodyReadOptions, FormReadOptions, JsonBodyOptions, FormBodyOptions } from './body.js';
export type { PathParams } from './path-params.js';
export { runtimeErrors } from './codes.js';
export { hasCode } from './errors.js';
export { isFallThrough } from './fall-through.js';
export type { ExpresswayError } from './errors.js';
export { normalizePath } from './normalize-path.js';
export { serveStatic, sendFile } from './static.js';
export type { ServeStaticOptions, SendFileOptions } from './static.js';
export type { EventStream, EventStreamOptions, ServerSentEvent } from './sse.js';
export type { WebSocketConnection, WebSocketMessage, WebSocketSendable, AcceptWebSocketOptions } from './websocket.js';
export { compress } from './compress.js';
export type { CompressOptions, CompressionModule } from './compress.js';
export { session, Session, MemoryStore, SessionCookie } from './session.js';
export type { SessionOptions, SessionMiddleware, SessionStore, SessionData, SessionCookieOptions } from './session.js';
