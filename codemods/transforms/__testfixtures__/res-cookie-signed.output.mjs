import express from 'express';
import { Server } from 'expressway/runtime';
import { fromExpress, mountExpress } from 'expressway/compat';
import cookieParser from 'cookie-parser';

const app = new Server(
  { cookieSecret: process.env.COOKIE_SECRET, malformedPath: 'express', autoOptions: 'express4' }
);

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(fromExpress(cookieParser(process.env.COOKIE_SECRET)));

app.post('/remember', async (ctx) => {
  ctx.setCookie('uid', '7', { signed: true, httpOnly: true });
  ctx.json({ remembered: true });
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
