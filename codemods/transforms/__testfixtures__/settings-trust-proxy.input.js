const express = require('express');
const app = express();

app.set('trust proxy', true);
app.disable('x-powered-by');

app.get('/ip', (req, res) => res.json({ ip: req.ip }));

module.exports = app;
