// A small Express app.
const express = require('express');

const app = express();

/** Health check. */
app.get('/health', (req, res) => {
  res.json({ ok: true }); // always up
});

module.exports = app;
