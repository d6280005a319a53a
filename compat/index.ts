/**
 * expressway/compat: Express and the runtime side by side in one process.
 *
 * - fromExpress(mw): Connect/Express middleware as runtime request middleware.
 * - mountExpress(app): the legacy Express app answers what the runtime has no route for.
 * - mountExpressRouter(router): a runtime Router's routes that stay on Express, answered where they were registered.
 * - toExpress(server): runtime routes inside an Express app.
 * - renderView(app, ctx, view, locals): res.render for a native handler, through the app's view system only.
 * - fixedHeaders(mw): a middleware that only sets constant headers (helmet), its recorded setHeader calls made again without the bridge.
 *
 * State crosses every bridge: res.locals is ctx.state, req.user and
 * req.session are ctx.state.user and ctx.state.session.
 */
export { fromExpress } from './from-express.js';
export type { FromExpressOptions } from './from-express.js';
export { mountExpress } from './mount-express.js';
export type { MountExpressOptions } from './mount-express.js';
export { mountExpressRouter } from './mount-express-router.js';
export type { MountExpressRouterOptions } from './mount-express-router.js';
export { toExpress } from './to-express.js';
export type { ToExpressOptions } from './to-express.js';
export type { CompatLogger } from './call-express.js';
export type { ExpressApp, ExpressMiddleware, ExpressModule } from './express-module.js';
export { compatErrors, WARN_NEXT_TWICE } from './errors.js';
export { canonicalUrl, isCanonical } from './canonical-path.js';
export { fromExpressErrorHandler } from './from-express-error.js';
export type { ExpressErrorMiddleware, FromExpressErrorOptions } from './from-express-error.js';
export { renderView } from './render-view.js';
export type { ViewApp } from './render-view.js';
export { fixedHeaders } from './fixed-headers.js';
export type { FixedHeadersOptions } from './fixed-headers.js';
export { accessLog } from './access-log.js';
export type { AccessLogFormat, AccessLogOptions, Morgan } from './access-log.js';
export { limitRequests, rateLimited } from './rate-limit.js';
export type { RateLimitFactory } from './rate-limit.js';
export { corsPolicy } from './cors-policy.js';
export type { CorsModule, CorsOptions, CorsOptionsDelegate, CorsPolicyOptions } from './cors-policy.js';
