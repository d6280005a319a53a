const express = require('express');

const app = express();

// Also used by /cursor: translating it for the stream would break that route.
function cursorOf(req) {
  return Number(req.query.cursor) || 0;
}

app.get('/cursor', (req, res) => {
  res.json({ cursor: cursorOf(req) });
});

app.get('/stream', (req, res) => {
  res.set('Content-Type', 'text/event-stream');
  res.flushHeaders();
  res.write(`data: ${cursorOf(req)}\n\n`);
});

module.exports = app;
