const express = require('express');
const config = require('./config');

// expressway-todo: app stays on Express: app setting "trust proxy" is set under a condition that is not a plain read of values known when the app is created
const app = express();

// A call in the condition may depend on anything at run time: the app stays on Express.
if (config.isBehindProxy()) app.set('trust proxy', 1);

app.get('/ip', (req, res) => {
  res.json({ ip: req.ip });
});

module.exports = app;
