const express = require('express');
const errorhandler = require('errorhandler');

const app = express();

app.get('/boom', (req, res) => {
  throw new Error('boom');
});

app.use(errorhandler());

module.exports = app;
