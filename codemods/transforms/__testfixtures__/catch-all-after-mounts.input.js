const express = require('express');
const api = require('./routes/api');

const app = express();
app.use('/api', api);

// Only reached when no mounted router answered.
app.use((req, res, next) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
