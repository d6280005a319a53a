const express = require('express');
const config = require('./config');

const app = express();

// Behind the load balancer only in production.
if (config.behindProxy) {
  app.set('trust proxy', 1);
}
if (process.env.NODE_ENV !== 'production') app.set('json spaces', 2);

app.get('/ip', (req, res) => {
  res.json({ ip: req.ip });
});

module.exports = app;
