/**
 * The reference server the benchmark compares against: the stock @y/websocket-server@0.1.1
 * connection handler (`setupWSConnection`: in-memory documents, no persistence), served with
 * `ws` on one port exactly as the package's own `src/server.js` does. Written out here only so
 * that it binds 127.0.0.1 on a port the benchmark chooses and uses the project's `ws` version,
 * the same one our server uses, so the comparison is between the two document cores.
 *
 * Run as a child process: `PORT=… node --import tsx bench/reference-server.ts`.
 */
import http from 'node:http';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? '1234');

const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((_req, res) => {
	res.writeHead(200, { 'Content-Type': 'text/plain' });
	res.end('okay');
});

wss.on('connection', setupWSConnection);
server.on('upgrade', (req, socket, head) => {
	wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});

server.listen(port, host, () => {
	console.log(JSON.stringify({ msg: 'reference listening', url: `http://${host}:${port}` }));
});

// The benchmark owns this process: when it goes away (even killed), so does the server.
process.on('disconnect', () => process.exit(0));
// Exit normally on SIGTERM, so that a --cpu-prof profile gets written.
process.on('SIGTERM', () => process.exit(0));
