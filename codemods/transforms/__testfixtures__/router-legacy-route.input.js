const express = require('express');

const docs = express.Router();

docs.get('/', (req, res) => {
  res.json(['faq', 'changelog']);
});

// Unknown names fall through to whatever the app registered later.
docs.get('/:name', (req, res, next) => {
  if (req.params.name === 'missing') return next();
  res.json({ name: req.params.name, baseUrl: req.baseUrl });
});

docs.get('/:name/meta', (req, res) => {
  res.json({ meta: req.params.name });
});

const app = express();

app.use('/docs', docs);

// Everything below, unknown paths included, needs a key.
app.use((req, res, next) => {
  if (req.get('x-key') !== 'k') return res.status(401).json({ error: 'key required' });
  next();
});

app.get('/docs/late', (req, res) => res.json({ late: true }));

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
