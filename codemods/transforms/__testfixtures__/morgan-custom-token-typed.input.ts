import express, { type Request, type Response } from 'express';
import morgan from 'morgan';

const app = express();

morgan.token('id', (req: Request) => String(req.headers['x-request-id'] ?? '-'));

app.use(morgan(':id :method :url :status :response-time ms', { immediate: false }));

app.get('/items/:id', (req: Request, res: Response) => {
  res.json({ id: req.params.id });
});

app.use((req: Request, res: Response) => {
  res.status(404).json({ error: 'not found' });
});

export default app;
