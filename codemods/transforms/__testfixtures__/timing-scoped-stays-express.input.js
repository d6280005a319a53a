const express = require('express');

const app = express();
const api = express.Router();
const seen = [];

// Under a mount path Express's req.baseUrl is that path: the node request does not carry it.
app.use('/api', (req, res, next) => {
  res.on('finish', () => {
    seen.push(`${req.baseUrl}${req.route ? req.route.path : ''}`);
  });
  next();
});

// In a router too.
api.use((req, res, next) => {
  res.on('finish', () => {
    seen.push(req.route ? `${req.baseUrl}${req.route.path}` : '(unmatched)');
  });
  next();
});

api.get('/items', (req, res) => {
  res.json(seen);
});

app.use('/api', api);

module.exports = app;
