const express = require('express');
const cors = require('cors');

const app = express();

// The per-request delegate reads the Express request (req.hostname): it stays on fromExpress.
app.use(
  cors((req, callback) => {
    callback(null, { origin: req.hostname.endsWith('.internal') });
  }),
);

app.get('/status', (req, res) => res.json({ up: true }));

module.exports = app;
