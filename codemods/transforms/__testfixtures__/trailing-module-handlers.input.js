const express = require('express');
const api = require('./routes');
const { notFound, errorHandler } = require('./middleware/errors');

const app = express();

app.get('/health', (req, res) => res.json({ ok: true }));
app.use('/api', api);

app.use(notFound);
app.use(errorHandler);

module.exports = app;
