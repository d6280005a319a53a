import express, { Request, Response } from 'express';
import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { fixedHeaders, mountExpress } from 'expressway/compat';
import helmet from 'helmet';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

legacyApp.disable('x-powered-by');

app.requestMiddleware(fixedHeaders(
  helmet({ crossOriginEmbedderPolicy: true, xFrameOptions: { action: 'sameorigin' as const } })
));

app.get('/items/{id}', async (ctx: Context) => {
  ctx.json({ id: ctx.params.id });
});

// expressway-todo: res.jsonp has no runtime counterpart
legacyApp.get('/padded', (req: Request, res: Response) => {
  res.jsonp({ padded: true });
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
