import express from 'express';
import { Server, jsonBody } from 'expressway/runtime';
import { fixedHeaders, mountExpress } from 'expressway/compat';
import helmet from 'helmet';

export const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.disable('x-powered-by');
app.requestMiddleware(fixedHeaders(helmet()));
app.requestMiddleware(jsonBody());

app.post('/echo', async (ctx) => ctx.json(ctx.requestBody));
app.requestMiddleware(mountExpress(legacyApp));
