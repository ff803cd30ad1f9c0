/**
 * The broadcast frame built once (server/transport/ws-send.ts) is byte for byte the frame ws
 * would send, and a message sent either way arrives whole and in order.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRequire } from 'node:module';
import { WebSocket, WebSocketServer } from 'ws';
import { binaryFrame, sendBinary } from '../../server/transport/ws-send.ts';

/** ws's own framing (its Sender is exported at runtime, not in its type declarations). */
const { Sender } = createRequire(import.meta.url)('ws') as {
	Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
};

function wsFrame(payload: Buffer): Buffer {
	const parts = Sender.frame(payload, {
		fin: true,
		opcode: 2,
		mask: false,
		readOnly: false,
		rsv1: false
	});
	return Buffer.concat(parts);
}

describe('ws-send', () => {
	const cleanup: Array<() => Promise<void> | void> = [];
	afterEach(async () => {
		for (const fn of cleanup.splice(0).reverse()) await fn();
	});

	it.each([0, 1, 125, 126, 1000, 65_535, 65_536, 70_000])('frames %i bytes as ws does', (n) => {
		const payload = Buffer.alloc(n, 7);
		expect(binaryFrame(payload).equals(wsFrame(payload))).toBe(true);
	});

	it('delivers framed-once broadcasts and large sends whole and in order', async () => {
		const server = http.createServer();
		const wss = new WebSocketServer({ server });
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
		cleanup.push(() => wss.close());
		const port = (server.address() as AddressInfo).port;
		const accepted: WebSocket[] = [];
		wss.on('connection', (ws) => accepted.push(ws));
		const received: Buffer[][] = [[], [], []];
		const clients = received.map((into) => {
			const c = new WebSocket(`ws://127.0.0.1:${port}`);
			c.on('message', (data) => into.push(data as Buffer));
			cleanup.push(() => c.terminate());
			return c;
		});
		await Promise.all(clients.map((c) => new Promise((r) => c.once('open', r))));
		while (accepted.length < 3) await new Promise((r) => setTimeout(r, 5));

		const messages = [
			Buffer.from([1, 2, 3]),
			Buffer.alloc(200_000, 9),
			Buffer.alloc(300, 4),
			Buffer.alloc(0)
		];
		const viaWs = accepted.map((ws) => vi.spyOn(ws, 'send'));
		for (const m of messages) for (const ws of accepted) sendBinary(ws, m);
		// Only the large message went through ws.send; the small ones were framed once, written as is.
		for (const spy of viaWs)
			expect(spy.mock.calls.map(([data]) => (data as Buffer).byteLength)).toEqual([200_000]);
		while (received.some((r) => r.length < messages.length)) await new Promise((r) => setTimeout(r, 5));
		for (const r of received)
			expect(r.map((b) => b.toString('hex'))).toEqual(messages.map((m) => m.toString('hex')));

		// Interleaved (one socket gets every message, then the next): each payload is framed anew
		// whenever another came between, and arrives as itself, even beside one of the same size.
		const again = [
			Buffer.from([1, 2, 3]),
			Buffer.from([4, 5, 6]),
			Buffer.alloc(300, 4),
			Buffer.alloc(300, 5)
		];
		for (const ws of accepted) for (const m of again) sendBinary(ws, m);
		const total = messages.length + again.length;
		while (received.some((r) => r.length < total)) await new Promise((r) => setTimeout(r, 5));
		for (const r of received)
			expect(r.slice(messages.length).map((b) => b.toString('hex'))).toEqual(
				again.map((m) => m.toString('hex'))
			);
	});
});
