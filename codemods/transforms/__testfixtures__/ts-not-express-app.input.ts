import { createServer } from './my-framework';

const app = createServer();

app.get('/x', (req: any, res: any) => res.json({}));

export default app;
