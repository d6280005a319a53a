/**
 * The Express 4 app, unchanged, behind the runtime through mountExpress: the
 * strangler-fig set-up before any route is migrated. Its ratio to the
 * express4 peer is what compat costs a legacy request (issue budget: at most
 * 10% more than Express alone).
 */
import express from 'express';
import { mountExpress } from '../../compat/index.js';
import { Server } from '../../runtime/index.js';
import { buildExpressApp } from './express-app.js';
import { reportListening } from './peer-ipc.js';
import { HOST } from './shared.js';

const server = new Server({ logErrors: false });
server.requestMiddleware(mountExpress(buildExpressApp(express)));
const running = await server.listen({ port: 0, host: HOST });
reportListening(running.port);
