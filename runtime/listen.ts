/**
 * listen() and graceful close. close() stops accepting, closes idle
 * keep-alive sockets at once, lets in-flight requests finish (their
 * responses carry Connection: close), closes open WebSockets with 1001, and
 * destroys whatever is still open at the deadline.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runtimeErrors } from './codes.js';
import type { Server } from './server.js';

export interface ListenOptions {
  /** Default: the server's port option (3000). 0 picks a free port. */
  port?: number;
  /** Default: the server's host option, else all interfaces. */
  host?: string;
  /** Fork this many cluster workers (cluster.ts). */
  workers?: number;
  /** Script the cluster workers run. Default: the current entry script (process.argv[1]). */
  exec?: string;
  /** listen() backlog. */
  backlog?: number;
}

export interface CloseOptions {
  /** Milliseconds to wait for in-flight requests before destroying connections. Default: the server's shutdownTimeout (10 s). */
  timeout?: number;
}

export interface RunningServer {
  /** 'http://127.0.0.1:40123' (IPv6 hosts in brackets). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The underlying node http.Server. */
  readonly server: http.Server;
  /** Graceful drain; resolves once every connection is closed. Safe to call twice. */
  close(options?: CloseOptions): Promise<void>;
}

/** How often idle sockets are swept during a drain (a request that finishes leaves its socket idle). */
const SWEEP_INTERVAL_MS = 20;

export function createHttpServer(server: Server<any>): http.Server {
  const o = server.config;
  const shortest = Math.min(o.headersTimeout || Infinity, o.requestTimeout || Infinity);
  const httpServer = http.createServer({
    maxHeaderSize: o.maxHeaderSize,
    keepAliveTimeout: o.keepAliveTimeout,
    headersTimeout: o.headersTimeout,
    requestTimeout: o.requestTimeout,
    noDelay: o.noDelay,
    // node checks header/request timeouts on this interval (default 30 s); small timeouts need a finer one.
    connectionsCheckingInterval: Number.isFinite(shortest) ? Math.max(10, Math.min(30_000, Math.floor(shortest / 4))) : 30_000,
  });
  server.attach(httpServer);
  return httpServer;
}

export async function listen(server: Server<any>, options: ListenOptions = {}): Promise<RunningServer> {
  if (server._listening) throw runtimeErrors.EXW_ERR_LISTEN_ALREADY();
  server._listening = true;
  server._core.draining = false;
  server.compile();
  const httpServer = createHttpServer(server);
  const port = options.port ?? server.config.port;
  const host = options.host ?? server.config.host;
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen({ port, host, backlog: options.backlog }, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    server._listening = false;
    throw err;
  }
  const address = httpServer.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    host: address.address,
    server: httpServer,
    close(closeOptions: CloseOptions = {}): Promise<void> {
      closing ??= drain(server, httpServer, closeOptions.timeout ?? server.config.shutdownTimeout).finally(() => {
        server._listening = false;
      });
      return closing;
    },
  };
}

/** Graceful close of one http.Server that this Server is attached to. */
export async function drain(server: Server<any>, httpServer: http.Server, timeout: number): Promise<void> {
  const core = server._core;
  core.draining = true;
  const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  httpServer.closeIdleConnections();
  for (const stream of core.eventStreams) stream.close();
  core.eventStreams.clear();
  const sweep = setInterval(() => httpServer.closeIdleConnections(), SWEEP_INTERVAL_MS);
  const deadline = setTimeout(() => httpServer.closeAllConnections(), timeout);
  try {
    await Promise.all([closed, core.websockets.closeAll(1001, 'server shutting down', timeout)]);
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
