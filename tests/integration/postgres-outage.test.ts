/**
 * PostgreSQL stopped briefly under a running server: a change sent meanwhile is refused with a
 * named reason (storage-failed), never acknowledged; the app's client keeps it, comes back by
 * itself once the database answers again, and the change lands.
 */
import * as Y from 'yjs';
import { afterEach, expect, it } from 'vitest';
import { connectSio, eventually, waitForSioSync, type SioClient } from '../helpers/clients.ts';
import { describePostgres, dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { connectRawSio, updateFrame } from '../helpers/raw-clients.ts';
import { ADHOC_ROOMS, startTestServer, type TestServer } from '../helpers/server.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

describePostgres('PostgreSQL stopped briefly', () => {
	const cleanup: Array<() => Promise<void> | void> = [];
	afterEach(async () => {
		for (const c of cleanup.splice(0).reverse()) await c();
	});

	it('refuses changes with storage-failed while it is down, and the client’s change lands once it is back', async () => {
		const target = new URL(TEST_DATABASE_URL);
		const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
		cleanup.push(() => proxy.close());
		const viaProxy = new URL(TEST_DATABASE_URL);
		viaProxy.port = String(proxy.port);
		const schema = freshSchemaName();
		cleanup.push(() => dropSchema(schema));
		const server: TestServer = await startTestServer({
			...ADHOC_ROOMS,
			DATABASE_URL: viaProxy.toString(),
			DATABASE_SCHEMA: schema
		});
		cleanup.push(() => server.dispose());
		const { cookie } = await server.login();
		const room = 'outage';

		const a: SioClient = connectSio(server.url, room, { headers: { cookie } });
		cleanup.push(() => a.destroy());
		await waitForSioSync(a);
		a.doc.getMap('m').set('before', 1);
		await eventually(() => !a.provider.state.unsaved, 10_000, 'first edit saved');

		await proxy.cut();
		// A raw client's change is refused by name, not acknowledged.
		const raw = await connectRawSio(server.url, room, cookie).catch(() => null);
		if (raw) {
			const rawDoc = new Y.Doc();
			let update: Uint8Array | null = null;
			rawDoc.once('update', (u: Uint8Array) => void (update = u));
			rawDoc.getMap('m').set('raw', 1);
			const ack = await raw.send(updateFrame(update!));
			expect(ack).toMatchObject({ ok: false, reason: 'storage-failed' });
			raw.disconnect();
		}
		a.doc.getMap('m').set('during', 2);
		await new Promise((r) => setTimeout(r, 1500));
		expect(a.provider.state.unsaved).toBe(true);

		await proxy.restore();
		await eventually(() => a.provider.state.synced && !a.provider.state.unsaved, 30_000, 'the change saved');
		// Someone connecting now reads both changes from the database.
		const b = connectSio(server.url, room, { headers: { cookie } });
		cleanup.push(() => b.destroy());
		await waitForSioSync(b);
		expect(b.doc.getMap('m').toJSON()).toMatchObject({ before: 1, during: 2 });
	});
});
