import express from 'express';
import { Server, jsonBody } from 'expressway/runtime';
import { corsPolicy, mountExpress } from 'expressway/compat';
import cors from 'cors';

const allowed = ['https://shop.example', /\.partner\.example$/];

// The options come from a variable and an origin function: read per request, as cors reads them.
const corsOptions = {
  origin(origin, callback) {
    callback(null, !origin || allowed.some((a) => (typeof a === 'string' ? a === origin : a.test(origin))));
  },
  exposedHeaders: ['X-Total-Count'],
};

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(jsonBody());
app.requestMiddleware(corsPolicy(cors, corsOptions));

app.get('/orders', async (ctx) => {
  ctx.setHeader('X-Total-Count', '0');
  ctx.json([]);
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
