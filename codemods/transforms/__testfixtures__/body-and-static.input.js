const express = require('express');
const path = require('path');

const app = express();
app.use(express.json({ limit: '100kb' }));
app.use(express.urlencoded({ extended: false }));
app.use(express.static(path.join(__dirname, 'public'), { maxAge: '1d' }));
app.use('/assets', express.static('assets'));

app.post('/echo', (req, res) => res.json(req.body));

module.exports = app;
