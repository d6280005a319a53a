const express = require('express');

const app = express();

function fail(res, message) {
  res.write(`event: error\ndata: ${message}\n\n`);
  res.json({ error: message });
}

app.get('/stream', (req, res) => {
  res.set('Content-Type', 'text/event-stream');
  res.flushHeaders();
  fail(res, 'not ready');
});

module.exports = app;
