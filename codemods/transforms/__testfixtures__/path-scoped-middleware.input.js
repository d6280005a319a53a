const express = require('express');
const app = express();

app.use('/admin', (req, res, next) => {
  if (!req.get('x-admin')) return res.sendStatus(403);
  next();
});

app.get('/admin/stats', (req, res) => res.json({ users: 3 }));

module.exports = app;
