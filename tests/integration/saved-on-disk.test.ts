/**
 * Durability in two stages: others see a change once the server has written it (it survives the
 * server process being killed, see durability.test.ts); its author is told "saved" once it is on
 * disk (it survives a power cut too), at most one sync interval later.
 */
import fs from 'node:fs';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Close } from '../../src/lib/domain/protocol.ts';
import { silentLogger } from '../../server/log.ts';
import { Room } from '../../server/rooms/room.ts';
import { docLogMigrations } from '../../server/store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../../server/store/sqlite/sqlite-doc-store.ts';
import { TestClient } from '../guard/room-harness.ts';
import { openAt } from '../store/temp-sqlite.ts';
import {
	connectSio,
	connectYws,
	eventually,
	waitForSioSync,
	waitForSync,
	type SioClient,
	type YwsClient
} from '../helpers/clients.ts';
import { ADHOC_ROOMS, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

describe('saved once on disk', () => {
	let server: TestServer | null = null;
	const clients: Array<SioClient | YwsClient> = [];
	afterEach(async () => {
		for (const c of clients.splice(0)) c.destroy();
		await server?.dispose();
		server = null;
	});

	/**
	 * A server fsyncing at most once a second (plus `env`), a Socket.IO author and a y-websocket
	 * reader in `room`, both synced.
	 */
	async function authorAndReader(room: string, env: Record<string, string> = {}) {
		server = await startTestServer({ ...ADHOC_ROOMS, SYNC_INTERVAL_MS: '1000', ...env });
		const author = connectSio(server.url, room, { headers: { cookie: (await server.login()).cookie } });
		const other = connectYws(server.url, room, { token: await server.token() });
		clients.push(author, other);
		await waitForSioSync(author);
		await waitForSync(other.provider);
		return { store: server.store as SqliteDocStore, author, other };
	}

	it('shows a change to others before its author hears "saved", and says "saved" once an fsync covers it', async () => {
		const { store, author, other } = await authorAndReader('stages');

		// The first change after a quiet spell goes to disk at once.
		author.doc.getMap('m').set('first', 1);
		await eventually(() => !author.provider.state.unsaved, 5_000, 'the first change saved');
		const flushes = store.walFlushes;

		// The next one, within the interval, is shown to the other client at once…
		author.doc.getMap('m').set('second', 2);
		await eventually(() => other.doc.getMap('m').get('second') === 2, 900, 'the other client to see it');
		// …while its author still sees "saving": the log has not been flushed since.
		expect(author.provider.state.unsaved).toBe(true);
		expect(store.walFlushes).toBe(flushes);

		await eventually(() => !author.provider.state.unsaved, 5_000, 'the second change saved');
		expect(store.walFlushes).toBe(flushes + 1);
	});

	it('with VISIBLE_AFTER=disk, shows a change to others only once it is on disk', async () => {
		const { store, author, other } = await authorAndReader('strict', { VISIBLE_AFTER: 'disk' });

		author.doc.getMap('m').set('first', 1);
		await eventually(() => other.doc.getMap('m').get('first') === 1, 5_000, 'the first change shown');
		const flushes = store.walFlushes;

		// Within the interval: written at once, but nobody else sees it until the fsync.
		author.doc.getMap('m').set('second', 2);
		await new Promise((r) => setTimeout(r, 400));
		expect(other.doc.getMap('m').get('second')).toBeUndefined();
		expect(store.walFlushes).toBe(flushes);

		await eventually(() => other.doc.getMap('m').get('second') === 2, 5_000, 'the second change shown');
		expect(store.walFlushes).toBe(flushes + 1);
		await eventually(() => !author.provider.state.unsaved, 5_000, 'the second change saved');
	});

	it('fails the room when the log cannot be flushed: its author hears it was not saved, everyone resyncs', async () => {
		const dir = tempDataDir('sitroom-syncfail-');
		const { db, file } = openAt(dir, docLogMigrations);
		const store = new SqliteDocStore(db, { file });
		const room = new Room(
			'r',
			store,
			[],
			{ maxMessageBytes: 1 << 20, maxAwarenessStateBytes: 16384, snapshotEvery: 1000 },
			silentLogger()
		);
		try {
			await room.loaded;
			const author = new TestClient(null, () => room);
			const other = new TestClient(null, () => room);
			await room.join(author);
			await room.join(other);
			// The log vanishes from under the store, as a failing disk might lose it: the change is
			// written, but its fsync cannot even open the file.
			fs.rmSync(`${file}-wal`);
			const change = new Y.Doc();
			change.getMap('m').set('x', 1);
			const result = await author.sendUpdate(Y.encodeStateAsUpdate(change));

			expect(result).toEqual({
				ok: false,
				close: Close.StorageFailed,
				message: 'the change could not be saved to disk'
			});
			// The other client had been shown it (written); now both must resync from what survives.
			expect(other.received).toHaveLength(1);
			expect(room.state).toBe('failed');
			expect(author.closed).toBe(Close.StorageFailed);
			expect(other.closed).toBe(Close.StorageFailed);
			expect(store.isReady()).toBe(false);
		} finally {
			await room.close();
			await store.close();
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
