import { afterEach, describe, expect, it } from 'vitest';
import {
	connectSio,
	connectYws,
	eventually,
	waitForSioSync,
	waitForSync,
	type SioClient,
	type YwsClient
} from '../helpers/clients.ts';
import { ADHOC_ROOMS, startTestServer, type TestServer } from '../helpers/server.ts';
import { historyOf } from '../helpers/history.ts';

describe('Socket.IO and y-websocket transports', () => {
	let server: TestServer;
	const clients: Array<SioClient | YwsClient> = [];
	afterEach(async () => {
		for (const c of clients.splice(0)) c.destroy();
		await server?.dispose();
	});

	it('converges two Socket.IO clients after concurrent edits', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const { cookie } = await server.login();
		const a = connectSio(server.url, 'r1', { headers: { cookie } });
		const b = connectSio(server.url, 'r1', { headers: { cookie } });
		clients.push(a, b);
		await Promise.all([waitForSioSync(a), waitForSioSync(b)]);
		a.doc.getMap('m').set('a', 1);
		b.doc.getMap('m').set('b', 2);
		await eventually(() => a.doc.getMap('m').size === 2 && b.doc.getMap('m').size === 2);
		expect(a.doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
		await eventually(() => !a.provider.state.unsaved && !b.provider.state.unsaved, 5000, 'saved');
	});

	it('carries an edit made through Socket.IO to a y-websocket client and back', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const { cookie } = await server.login();
		const token = await server.token();
		const s = connectSio(server.url, 'mixed', { headers: { cookie } });
		const y = connectYws(server.url, 'mixed', { token });
		clients.push(s, y);
		await Promise.all([waitForSioSync(s), waitForSync(y.provider)]);
		s.doc.getArray('log').push(['from socket.io']);
		await eventually(() => y.doc.getArray('log').length === 1);
		y.doc.getArray('log').push(['from y-websocket']);
		await eventually(() => s.doc.getArray('log').length === 2);
		expect(s.doc.getArray('log').toJSON()).toEqual(y.doc.getArray('log').toJSON());
	});

	it('syncs over HTTP long-polling when WebSocket is unavailable', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const { cookie } = await server.login();
		const token = await server.token();
		const a = connectSio(server.url, 'poll', { headers: { cookie }, transports: ['polling'] });
		const b = connectYws(server.url, 'poll', { token });
		clients.push(a, b);
		await Promise.all([waitForSioSync(a), waitForSync(b.provider)]);
		expect(a.socket.io.engine.transport.name).toBe('polling');
		a.doc.getMap('m').set('k', 'v');
		await eventually(() => b.doc.getMap('m').get('k') === 'v');
	});

	it('reports a change as saved only after the server acknowledged it', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const { cookie } = await server.login();
		const a = connectSio(server.url, 'acks', { headers: { cookie } });
		clients.push(a);
		await waitForSioSync(a);
		a.states.length = 0;
		a.doc.getMap('m').set('x', 1);
		expect(a.provider.state.unsaved).toBe(true);
		await eventually(() => !a.provider.state.unsaved);
		const stored = await historyOf(server.store, 'acks');
		expect(stored.length).toBeGreaterThan(0);
		expect(a.states.map((s) => s.unsaved)).toEqual([true, false]);
	});
});
