import { afterEach, describe, expect, it } from 'vitest';
import { connectYws, eventually, waitForSync, type YwsClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('y-websocket endpoint', () => {
	let server: TestServer;
	const clients: YwsClient[] = [];
	afterEach(async () => {
		for (const c of clients.splice(0)) c.destroy();
		await server?.dispose();
	});

	it('converges two standard y-websocket clients after concurrent edits', async () => {
		server = await startTestServer();
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
});
