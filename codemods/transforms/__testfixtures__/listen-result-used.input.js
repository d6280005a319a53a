const express = require('express');
const app = express();

app.get('/', (req, res) => res.send('hi'));

const server = app.listen(3000, '127.0.0.1');
process.on('SIGTERM', () => server.close());
