const express = require('express');
const helmet = require('helmet');

const app = express();

app.use((req, res, next) => {
  res.locals.nonce = Math.random().toString(36).slice(2);
  next();
});

// The nonce differs on every answer: helmet must see each request.
app.use(
  helmet({
    contentSecurityPolicy: {
      directives: { scriptSrc: ["'self'", (req, res) => `'nonce-${res.locals.nonce}'`] },
    },
  }),
);

const options = { hsts: false };
app.use('/admin', helmet(options));

app.get('/', (req, res) => res.json({ ok: true }));

module.exports = app;
