const express = require('express');
const helmet = require('helmet');

const app = express();

// Registered before helmet: its answers carry X-Powered-By on Express, and still do on the legacy app;
// Express's 404 page came after helmet, so the app answering it gets disable('x-powered-by').
app.get('/padded', (req, res) => {
  res.jsonp({ padded: true });
});

app.use(helmet());

app.get('/ok', (req, res) => res.json({ ok: true }));

module.exports = app;
