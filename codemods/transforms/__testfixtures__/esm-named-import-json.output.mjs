import { Server, jsonBody } from 'expressway/runtime';
import { fromExpress } from 'expressway/compat';
import helmet from 'helmet';

export const app = new Server();
app.requestMiddleware(fromExpress(helmet()));
app.requestMiddleware(jsonBody());

app.post('/echo', async (ctx) => ctx.json(ctx.requestBody));
