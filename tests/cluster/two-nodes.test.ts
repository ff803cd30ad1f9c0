/**
 * Two nodes in this process on one PostgreSQL schema and one Redis of the test's own: the first
 * node to open a room owns it; a client on the other node writes through the owner (its
 * acknowledgements come back), everyone converges, presence crosses nodes, and a server-made
 * change on the replica is committed by the owner.
 */
import * as Y from 'yjs';
import { afterEach, expect, it } from 'vitest';
import { connectSio, eventually, waitForSioSync, type SioClient } from '../helpers/clients.ts';
import { describePostgres, dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { decodeFrame } from '../../src/lib/domain/frames.ts';
import { awarenessFrame, connectRawSio, updateFrame } from '../helpers/raw-clients.ts';
import { describeRedis, startRedis } from '../helpers/redis.ts';
import { ADHOC_ROOMS, startTestServer, type TestServer } from '../helpers/server.ts';

describePostgres('two nodes', () => {
	describeRedis('over Redis', () => {
		const cleanup: Array<() => Promise<void> | void> = [];
		afterEach(async () => {
			for (const c of cleanup.splice(0).reverse()) await c();
		});

		async function twoNodes(): Promise<[TestServer, TestServer]> {
			const redis = await startRedis();
			cleanup.push(() => redis.stop());
			const schema = freshSchemaName();
			cleanup.push(() => dropSchema(schema));
			const env = {
				...ADHOC_ROOMS,
				DATABASE_URL: TEST_DATABASE_URL,
				DATABASE_SCHEMA: schema,
				REDIS_URL: redis.url,
				LEASE_TTL_MS: '1500'
			};
			const a = await startTestServer(env);
			cleanup.push(() => a.dispose());
			const b = await startTestServer(env);
			cleanup.push(() => b.dispose());
			return [a, b];
		}

		const client = async (server: TestServer, room: string, cookie: string): Promise<SioClient> => {
			const c = connectSio(server.url, room, { headers: { cookie } });
			cleanup.push(() => c.destroy());
			await waitForSioSync(c);
			return c;
		};

		it('[nodes-1] a client of the replica writes through the owner; both converge; acks come back', async () => {
			const [a, b] = await twoNodes();
			const { cookie } = await a.login();
			const onA = await client(a, 'r1', cookie);
			const onB = await client(b, 'r1', cookie);
			expect(a.registry.get('r1')?.writable).toBe(true);
			expect(b.registry.get('r1')?.writable).toBe(false);

			for (let i = 0; i < 20; i++) {
				onA.doc.getMap('m').set(`a${i}`, i);
				onB.doc.getMap('m').set(`b${i}`, i);
			}
			await eventually(
				() => onA.doc.getMap('m').size === 40 && onB.doc.getMap('m').size === 40,
				15_000,
				'both clients hold all 40 keys'
			);
			await eventually(() => !onA.provider.state.unsaved && !onB.provider.state.unsaved, 15_000, 'all saved');
			// Acknowledged means in the owner's log.
			const n = new Y.Doc();
			for await (const u of a.store.history('r1')) Y.applyUpdate(n, u.update);
			expect(n.getMap('m').size).toBe(40);
			// The replica's room holds the same state as the owner's.
			expect(b.registry.get('r1')!.doc.getMap('m').toJSON()).toEqual(
				a.registry.get('r1')!.doc.getMap('m').toJSON()
			);
		});

		it('[nodes-2] a raw client on the replica gets a per-frame ack once the owner committed', async () => {
			const [a, b] = await twoNodes();
			const { cookie } = await a.login();
			await client(a, 'r2', cookie);
			const raw = await connectRawSio(b.url, 'r2', cookie);
			cleanup.push(() => raw.disconnect());
			const d = new Y.Doc();
			let update: Uint8Array | null = null;
			d.once('update', (u: Uint8Array) => (update = u));
			d.getMap('m').set('x', 1);
			const ack = await raw.send(updateFrame(update!));
			expect(ack).toEqual({ ok: true });
			// A malformed update is refused by name through the owner... or before it.
			const bad = await raw.send(updateFrame(new Uint8Array([0, 1, 2, 3, 200])));
			expect(bad).toMatchObject({ ok: false });
		});

		it('[nodes-3] presence crosses nodes, stamped by the node the client is on', async () => {
			const [a, b] = await twoNodes();
			const { cookie } = await a.login();
			await client(a, 'r3', cookie);
			const rawA = await connectRawSio(a.url, 'r3', cookie);
			cleanup.push(() => rawA.disconnect());
			const rawB = await connectRawSio(b.url, 'r3', cookie);
			cleanup.push(() => rawB.disconnect());
			const d = new Y.Doc();
			const aw = new Awareness(d);
			aw.setLocalState({ cursor: 7 });
			await rawA.send(awarenessFrame(encodeAwarenessUpdate(aw, [d.clientID])));
			await eventually(
				() =>
					rawB.received.some((f) => {
						const decoded = decodeFrame(f);
						return (
							decoded.kind === 'awareness' && new TextDecoder().decode(decoded.update).includes('"cursor":7')
						);
					}),
				10_000,
				'B hears of A’s presence'
			);
			const decodedOnB = rawB.received.map((f) => decodeFrame(f)).find((f) => f.kind === 'awareness')!;
			// Stamped with who it is from on A.
			expect(new TextDecoder().decode((decodedOnB as { update: Uint8Array }).update)).toContain('"user"');
			aw.destroy();
		});

		it('[nodes-5] the login throttle counts failures on every node together', async () => {
			const [a, b] = await twoNodes();
			const attempt = (url: string) =>
				fetch(`${url}/api/session`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ username: 'water', password: 'wrong-password' })
				}).then((r) => r.status);
			// Ten failures (the default limit per account), alternating between the nodes.
			for (let i = 0; i < 10; i++) expect(await attempt(i % 2 === 0 ? a.url : b.url)).toBe(401);
			expect(await attempt(a.url)).toBe(429);
			expect(await attempt(b.url)).toBe(429);
		});

		it('[nodes-6] deactivating an account on one node closes its live connections on the other', async () => {
			const [a, b] = await twoNodes();
			const admin = await a.login('admin');
			const field = await b.login('field1');
			const c = await client(b, 'r6', field.cookie);
			const closed: string[] = [];
			c.socket.on('closed', (_room, why) => closed.push(why.reason));
			c.socket.on('disconnect', () => closed.push('disconnect'));
			const me = (await (
				await fetch(`${b.url}/api/session`, { headers: { cookie: field.cookie } })
			).json()) as {
				user: { id: string };
			};
			const res = await fetch(`${a.url}/api/users/${me.user.id}`, {
				method: 'PATCH',
				headers: admin.headers,
				body: JSON.stringify({ active: false })
			});
			expect(res.status).toBe(200);
			await eventually(() => closed.length > 0, 10_000, 'the connection on the other node closed');
		});

		it('[nodes-4] a server-made change on the replica is committed by the owner', async () => {
			const [a, b] = await twoNodes();
			const { cookie } = await a.login();
			const onA = await client(a, 'r4', cookie);
			await client(b, 'r4', cookie);
			const roomB = b.registry.get('r4')!;
			await roomB.change((doc) => doc.getMap('m').set('server', 'made on b'));
			await eventually(() => onA.doc.getMap('m').get('server') === 'made on b', 10_000, 'A sees it');
			await roomB.change((doc) => doc.getMap('m').set('server2', 2));
			await eventually(() => onA.doc.getMap('m').get('server2') === 2, 10_000, 'A sees the second');
			let logged = 0;
			for await (const u of a.store.history('r4')) if (u.update.byteLength > 0) logged++;
			expect(logged).toBeGreaterThanOrEqual(2);
		});
	});
});
