const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const cookieParser = require('cookie-parser');

const app = new Server(
  { cookieSecret: 's3cret', malformedPath: 'express', autoOptions: 'express4' }
);

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(fromExpress(cookieParser('s3cret')));

app.get('/inspect', async (ctx) => {
  ctx.json({
    q: ctx.query.q,
    agent: ctx.header('user-agent'),
    lang: ctx.header('accept-language'),
    all: ctx.headers,
    ip: ctx.ip,
    method: ctx.method,
    path: ctx.path,
    url: ctx.url,
    host: ctx.hostname,
    proto: ctx.protocol,
    secure: ctx.secure,
    xhr: String(ctx.header('x-requested-with') ?? '').toLowerCase() === 'xmlhttprequest',
    cookies: ctx.cookies,
    session: ctx.signedCookie('session'),
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
