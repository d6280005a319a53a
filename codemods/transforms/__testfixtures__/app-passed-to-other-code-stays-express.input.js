const express = require('express');
const registerRoutes = require('./routes');

const app = express();
registerRoutes(app);

app.get('/', (req, res) => res.json({}));

module.exports = app;
