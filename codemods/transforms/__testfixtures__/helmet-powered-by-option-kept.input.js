const express = require('express');
const helmet = require('helmet');

const app = express();

// helmet leaves X-Powered-By alone here: Express's answers keep it.
app.use(helmet({ xPoweredBy: false, hsts: { maxAge: 600 } }));

app.get('/ok', (req, res) => res.json({ ok: true }));

app.get('/padded', (req, res) => {
  res.jsonp({ padded: true });
});

module.exports = app;
