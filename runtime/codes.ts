/**
 * Coded errors of the runtime core (server, context, body, paths, cookies,
 * listen). Each one documented in docs/_parts/errors-runtime.md. Errors with
 * a 4xx status are "request errors": they go to the request-error hooks and
 * their message is shown to the client; the others go to the panic hooks.
 */
import { defineErrors } from './errors.js';

export const runtimeErrors = defineErrors({
  // Request target and path
  EXW_ERR_PATH_MALFORMED: { message: 'Request path has a malformed percent-encoding: %s', status: 400 },
  EXW_ERR_PATH_NUL: { message: 'Request path contains a NUL byte', status: 400 },
  EXW_ERR_PATH_INVALID: { message: 'Request target is not a path: %s', status: 400 },
  // Raw HTTP parser (node's clientError) and timeouts
  EXW_ERR_HTTP_BAD_REQUEST: { message: 'Malformed HTTP request (%s)', status: 400 },
  EXW_ERR_HTTP_HEADERS_TOO_LARGE: { message: 'Request headers are larger than maxHeaderSize (%s bytes)', status: 431 },
  EXW_ERR_HTTP_TIMEOUT: { message: 'The client did not send the complete request in time (%s)', status: 408 },
  // Body readers
  EXW_ERR_BODY_TOO_LARGE: { message: 'Request body is larger than the limit of %s bytes', status: 413, type: 'entity.too.large' },
  EXW_ERR_BODY_INVALID_JSON: { message: 'Request body is not valid JSON: %s', status: 400, type: 'entity.parse.failed' },
  EXW_ERR_BODY_STRICT_JSON: { message: 'JSON body must be an object or an array (strict mode), got: %s', status: 400, type: 'entity.parse.failed' },
  EXW_ERR_BODY_UNSUPPORTED_TYPE: { message: 'Expected a request body of type %s, got Content-Type "%s"', status: 415 },
  EXW_ERR_BODY_UNSUPPORTED_CHARSET: { message: 'Unsupported charset "%s" in the request Content-Type', status: 415, type: 'charset.unsupported' },
  EXW_ERR_BODY_UNSUPPORTED_ENCODING: { message: 'Unsupported Content-Encoding "%s"', status: 415, type: 'encoding.unsupported' },
  EXW_ERR_BODY_ABORTED: { message: 'The client closed the connection before the request body was complete', status: 400, type: 'request.aborted' },
  EXW_ERR_BODY_INVALID_ENCODING: { message: 'Request body could not be decompressed: %s', status: 400 },
  EXW_ERR_BODY_CONSUMED: { message: 'The request body was already consumed as a stream; read it once with one method' },
  // Response builder
  EXW_ERR_RESPONSE_INVALID_HEADER: { message: 'Response header "%s" has an invalid value (CR, LF or NUL are not allowed)' },
  EXW_ERR_RESPONSE_INVALID_STATUS: { message: 'Invalid HTTP status code: %s (must be an integer from 100 to 999)' },
  EXW_ERR_RESPONSE_INVALID_REDIRECT: { message: 'Redirect target contains CR, LF or NUL: %s' },
  EXW_ERR_RESPONSE_NO_SOCKET: { message: 'ctx.%s is not available on a WebSocket upgrade request (there is no HTTP response)' },
  // Cookies
  EXW_ERR_COOKIE_NO_SECRET: { message: 'A signed cookie needs the server option cookieSecret' },
  // Real time
  EXW_ERR_UPGRADE_NOT_WEBSOCKET: { message: 'ctx.upgrade() was called on a request that is not a WebSocket upgrade', status: 426 },
  EXW_ERR_UPGRADE_TWICE: { message: 'ctx.upgrade() was already called for this request' },
  // Fall-through
  EXW_ERR_FALL_THROUGH_LATE: { message: 'ctx.fallThrough() was called where the request cannot be handed on (in response middleware or a hook, or after the response head was sent)' },
  // Registration and configuration
  EXW_ERR_CONFIG_INVALID: { message: 'Invalid option %s: %s' },
  EXW_ERR_REGISTER_NOT_FUNCTION: { message: '%s expects functions, got %s' },
  EXW_ERR_REGISTER_INVALID_PREFIX: { message: 'Invalid path prefix "%s": %s' },
  // Listen and cluster
  EXW_ERR_LISTEN_ALREADY: { message: 'This server is already listening; create another Server or close the first handle' },
  EXW_ERR_CLUSTER_WORKER_FAILED: { message: 'Worker %s exited before it was listening (%s)' },
});

export type RuntimeErrorCode = keyof typeof runtimeErrors;

/**
 * Request errors: the request itself is bad (path, HTTP syntax, body,
 * limits, timeouts). They go to the request-error hooks, not the panic hooks.
 */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set(
  [
    runtimeErrors.EXW_ERR_PATH_MALFORMED,
    runtimeErrors.EXW_ERR_PATH_NUL,
    runtimeErrors.EXW_ERR_PATH_INVALID,
    runtimeErrors.EXW_ERR_HTTP_BAD_REQUEST,
    runtimeErrors.EXW_ERR_HTTP_HEADERS_TOO_LARGE,
    runtimeErrors.EXW_ERR_HTTP_TIMEOUT,
    runtimeErrors.EXW_ERR_BODY_TOO_LARGE,
    runtimeErrors.EXW_ERR_BODY_INVALID_JSON,
    runtimeErrors.EXW_ERR_BODY_STRICT_JSON,
    runtimeErrors.EXW_ERR_BODY_UNSUPPORTED_TYPE,
    runtimeErrors.EXW_ERR_BODY_UNSUPPORTED_CHARSET,
    runtimeErrors.EXW_ERR_BODY_UNSUPPORTED_ENCODING,
    runtimeErrors.EXW_ERR_BODY_ABORTED,
    runtimeErrors.EXW_ERR_BODY_INVALID_ENCODING,
  ].map((factory) => factory.code),
);
