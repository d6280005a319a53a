import { Server } from 'expressway/runtime';
import { fromExpress } from 'expressway/compat';
import cookieParser from 'cookie-parser';

const app = new Server({ cookieSecret: process.env.COOKIE_SECRET });
app.requestMiddleware(fromExpress(cookieParser(process.env.COOKIE_SECRET)));

app.post('/remember', async (ctx) => {
  ctx.setCookie('uid', '7', { signed: true, httpOnly: true });
  ctx.json({ remembered: true });
});

export default app.handler;
