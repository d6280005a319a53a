const express = require('express');

// expressway-todo: app stays on Express: app setting "trust proxy" is set inside a block (only top-level and `if (test)` settings translate)
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
