import { Server } from 'expressway/runtime';
import { accessLog } from 'expressway/compat';
import logger from 'morgan';
import config from './config.mjs';
import { accessLogStream } from './log.mjs';

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

// The format comes from config at run time; errors only.
app.requestMiddleware(accessLog(logger, config.logFormat, {
  stream: accessLogStream,
  skip: (req, res) => res.statusCode < 400,
}));

app.get('/events', async (ctx) => {
  ctx.json([]);
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

export default app.handler;
