const express = require('express');
const cookieParser = require('cookie-parser');

const app = express();
app.use(cookieParser('s3cret'));

app.get('/inspect', (req, res) => {
  res.json({
    q: req.query.q,
    agent: req.get('user-agent'),
    lang: req.header('accept-language'),
    all: req.headers,
    ip: req.ip,
    method: req.method,
    path: req.path,
    url: req.originalUrl,
    host: req.hostname,
    proto: req.protocol,
    secure: req.secure,
    xhr: req.xhr,
    cookies: req.cookies,
    session: req.signedCookies.session,
  });
});

module.exports = app;
