const express = require('express');

const app = express();

if (process.env.PROXY_HOPS) {
  app.set('trust proxy', 2);
} else {
  app.set('trust proxy', false);
}

app.get('/ip', (req, res) => {
  res.json({ ip: req.ip });
});

module.exports = app;
