import { afterEach, describe, expect, it } from 'vitest';
import { connectYws, eventually, waitForSync, type YwsClient } from '../helpers/clients.ts';
import { ADHOC_ROOMS, startTestServer, type TestServer } from '../helpers/server.ts';

describe('y-websocket endpoint', () => {
	let server: TestServer;
	const clients: YwsClient[] = [];
	afterEach(async () => {
		for (const c of clients.splice(0)) c.destroy();
		await server?.dispose();
	});

	it('converges two standard y-websocket clients after concurrent edits', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const token = await server.token();
		const a = connectYws(server.url, 'incident-1', { token });
		const b = connectYws(server.url, 'incident-1', { token });
		clients.push(a, b);
		await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);
		a.doc.getMap('log').set('a', 'from a');
		b.doc.getMap('log').set('b', 'from b');
		await eventually(() => a.doc.getMap('log').size === 2 && b.doc.getMap('log').size === 2);
		expect(a.doc.getMap('log').toJSON()).toEqual(b.doc.getMap('log').toJSON());
	});

	it('keeps clients that send back the presence of others (stock y-websocket does), and lets a client that reconnects announce itself again', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const token = await server.token();
		const a = connectYws(server.url, 'incident-1', { token });
		const b = connectYws(server.url, 'incident-1', { token });
		const watcher = connectYws(server.url, 'incident-1', { token });
		clients.push(a, b, watcher);
		await Promise.all([a, b, watcher].map((c) => waitForSync(c.provider)));
		const closes: string[] = [];
		for (const [name, c] of [
			['a', a],
			['b', b],
			['watcher', watcher]
		] as const) {
			c.provider.on('connection-close', () => closes.push(name));
		}
		const seen = (c: YwsClient, id: number): Record<string, unknown> | undefined =>
			watcher.provider.awareness.getStates().get(id) as Record<string, unknown> | undefined;

		a.provider.awareness.setLocalStateField('cursor', { x: 1 });
		b.provider.awareness.setLocalStateField('cursor', { x: 2 });
		// b (and the watcher) now hold a's state and send it back to the server; so does a with b's.
		await eventually(
			() =>
				seen(watcher, a.doc.clientID)?.cursor !== undefined &&
				seen(watcher, b.doc.clientID)?.cursor !== undefined,
			5000,
			'both presences at the watcher'
		);
		a.provider.awareness.setLocalStateField('cursor', { x: 10 });
		await eventually(() => (seen(watcher, a.doc.clientID)?.cursor as { x: number } | undefined)?.x === 10);
		await new Promise((r) => setTimeout(r, 300));
		expect(closes).toEqual([]);

		// a leaves (its removal is echoed by b and the watcher), comes back under the same client
		// id, and is heard again.
		a.provider.disconnect();
		await eventually(() => seen(watcher, a.doc.clientID) === undefined, 5000, 'a gone at the watcher');
		await new Promise((r) => setTimeout(r, 200));
		a.provider.connect();
		await waitForSync(a.provider);
		a.provider.awareness.setLocalStateField('cursor', { x: 20 });
		await eventually(
			() => (seen(watcher, a.doc.clientID)?.cursor as { x: number } | undefined)?.x === 20,
			5000,
			'a heard again after reconnecting'
		);
		expect(closes.filter((n) => n !== 'a')).toEqual([]);
	});
});
