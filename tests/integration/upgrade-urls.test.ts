/**
 * Upgrade requests with URLs that do not parse: the server answers them (a named close, or a
 * 400) and keeps serving, instead of throwing out of its `upgrade` listener.
 */
import net from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Close } from '../../src/lib/domain/protocol.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** Sends a raw WebSocket upgrade request for `path` and resolves with the server's first line. */
function rawUpgrade(url: string, path: string): Promise<string> {
	const { port } = new URL(url);
	return new Promise((resolve, reject) => {
		const socket = net.connect(Number(port), '127.0.0.1', () => {
			socket.write(
				`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
					'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
			);
		});
		let text = '';
		socket.on('data', (d) => (text += d.toString('latin1')));
		socket.on('error', reject);
		socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
		setTimeout(() => socket.destroy(), 2000).unref();
	});
}

describe('upgrade requests with malformed URLs', () => {
	let server: TestServer;
	let token: string;

	beforeAll(async () => {
		server = await startTestServer();
		token = await server.token();
	});
	afterAll(async () => {
		await server.dispose();
	});

	it('closes a y-websocket room name with broken percent-encoding as room-not-found and keeps serving', async () => {
		const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/%E0%A4%A?token=${token}`);
		ws.on('error', () => undefined);
		const closed = await new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
		expect(closed).toBe(Close.RoomNotFound.code);
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});

	it('answers an upgrade whose URL does not parse with 400 and keeps serving', async () => {
		expect(await rawUpgrade(server.url, '//')).toBe('HTTP/1.1 400 Bad Request');
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});
});
