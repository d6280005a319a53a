const express = require('express');
const app = express();

app.get('/public', (req, res) => res.json({ public: true }));

// Only routes below need a token.
app.use((req, res, next) => {
  if (!req.get('authorization')) return res.sendStatus(401);
  next();
});

app.get('/private', (req, res) => res.json({ private: true }));

module.exports = app;
