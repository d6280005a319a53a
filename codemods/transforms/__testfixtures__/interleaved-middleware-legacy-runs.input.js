const express = require('express');
const app = express();

app.use(express.json());

// Streamed with res.write: stays on Express. Public: registered before the token check.
app.get('/stream', (req, res) => {
  res.write('a');
  res.end('b');
});

app.get('/public', (req, res) => res.json({ public: true }));

// Every route below needs a token, and so does any unknown path.
app.use(function requireToken(req, res, next) {
  if (req.get('authorization') !== 'token') return res.status(401).json({ error: 'token required' });
  next();
});

app.get('/items', (req, res) => res.json([{ id: 1 }]));

app.get('/export', (req, res) => {
  res.write('x,y\n');
  res.end('1,2\n');
});

module.exports = app;
