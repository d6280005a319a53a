const express = require('express');

const app = express();
const api = express.Router();

api.get('/ping', (req, res) => res.send('pong'));

app.use('/api', api);

module.exports = app;
