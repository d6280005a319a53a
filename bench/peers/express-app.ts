/**
 * The Express app for both Express 4 and Express 5 (same code, the
 * package differs): an express.Router() on /users with a middleware that
 * sets the response header and five that set request fields, res.json,
 * express.json() on the echo route. Express defaults (ETag, X-Powered-By)
 * stay on, as users run it.
 */
import type express from 'express';
import type { Request } from 'express';
import { reportListening } from './peer-ipc.js';
import { HELLO, HOST, RESPONSE_HEADER, RESPONSE_HEADER_VALUE, userBody, type BenchState } from './shared.js';

type BenchRequest = Request & { bench?: BenchState };

export function startExpressPeer(factory: typeof express): void {
  const app = buildExpressApp(factory);
  const server = app.listen(0, HOST, () => {
    const address = server.address();
    if (address && typeof address === 'object') reportListening(address.port);
  });
}

/** The app itself, also served behind the runtime by the express4-legacy peer. */
export function buildExpressApp(factory: typeof express): express.Express {
  const app = factory();
  const users = factory.Router();

  app.get('/', (_req, res) => {
    res.json(HELLO);
  });

  users.use((_req, res, next) => {
    res.setHeader(RESPONSE_HEADER, RESPONSE_HEADER_VALUE);
    next();
  });
  users.use((req: BenchRequest, _res, next) => {
    req.bench = { a: 1 };
    next();
  });
  users.use((req: BenchRequest, _res, next) => {
    req.bench!.b = 1;
    next();
  });
  users.use((req: BenchRequest, _res, next) => {
    req.bench!.c = 1;
    next();
  });
  users.use((req: BenchRequest, _res, next) => {
    req.bench!.d = 1;
    next();
  });
  users.use((req: BenchRequest, _res, next) => {
    req.bench!.e = 1;
    next();
  });
  users.get('/:id', (req: BenchRequest, res) => {
    res.json(userBody(req.params.id!, req.bench!));
  });
  app.use('/users', users);

  app.post('/echo', factory.json(), (req, res) => {
    res.json(req.body);
  });
  return app;
}
