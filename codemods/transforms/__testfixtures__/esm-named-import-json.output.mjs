import express from 'express';
import { Server, jsonBody } from 'expressway/runtime';
import { fromExpress, mountExpress } from 'expressway/compat';
import helmet from 'helmet';

export const app = new Server();

// Express answers what no route matches, as before: its 404 page, also for a known path with another method.
const legacyApp = express();

app.requestMiddleware(fromExpress(helmet()));
app.requestMiddleware(jsonBody());

app.post('/echo', async (ctx) => ctx.json(ctx.requestBody));
app.requestMiddleware(mountExpress(legacyApp));
