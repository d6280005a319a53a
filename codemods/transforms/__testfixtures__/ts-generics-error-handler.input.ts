import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';

type RequestLocals = { requestId: string };

const app = express();

app.use((req: Request, res: Response<unknown, RequestLocals>, next: NextFunction) => {
  res.locals.requestId = String(req.headers['x-request-id'] ?? 'none');
  next();
});

app.get('/ping', (req: Request, res: Response<unknown, RequestLocals>) => {
  res.json({ pong: true, requestId: res.locals.requestId });
});

app.use((req: Request, res: Response<unknown, RequestLocals>) => {
  res.status(404).json({ error: 'not found', requestId: res.locals.requestId });
});

const onError: ErrorRequestHandler<Record<string, string>, unknown, unknown, Record<string, string>, RequestLocals> = (err, req, res, next) => {
  res.status(500).json({ error: String(err), requestId: res.locals.requestId });
};
app.use(onError);

export default app;
