const express = require('express');
const app = express();

function requireKey(req, res, next) {
  if (req.get('x-key') !== 'k') return res.status(401).json({ error: 'key' });
  next();
}

// Registered once: Express flattens it where the route is registered.
const createChecks = [requireKey, (req, res, next) => { res.set('x-checked', 'yes'); next(); }];

// Registered twice: each route would need its own converted copy, so it keeps its Express shape.
const shared = [(req, res, next) => { res.set('x-two', 'yes'); next(); }];

app.post('/items', createChecks, (req, res) => {
  res.status(201).json({ created: true });
});

app.get('/a', shared, (req, res) => res.json({ a: true }));
app.get('/b', shared, (req, res) => res.json({ b: true }));

module.exports = app;
