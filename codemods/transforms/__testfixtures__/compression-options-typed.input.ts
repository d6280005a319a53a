import express, { Request, Response } from 'express';
import compression from 'compression';
import zlib from 'zlib';

const app = express();

app.use(compression({ level: 6, threshold: '2kb', brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } } }));

app.get('/items', (req: Request, res: Response) => {
  res.json([{ id: 1 }]);
});

export default app;
