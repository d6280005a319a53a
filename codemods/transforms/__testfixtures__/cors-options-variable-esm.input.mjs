import express from 'express';
import cors from 'cors';

const allowed = ['https://shop.example', /\.partner\.example$/];

// The options come from a variable and an origin function: read per request, as cors reads them.
const corsOptions = {
  origin(origin, callback) {
    callback(null, !origin || allowed.some((a) => (typeof a === 'string' ? a === origin : a.test(origin))));
  },
  exposedHeaders: ['X-Total-Count'],
};

const app = express();

app.use(express.json(), cors(corsOptions));

app.get('/orders', (req, res) => {
  res.set('X-Total-Count', '0').json([]);
});

export default app;
