/**
 * Idle rooms: after the last client leaves, a room is flushed and unloaded (its Y.Doc destroyed,
 * the registry empty again), and it reloads from a snapshot plus the log written after it. A client
 * that joins while the room is being unloaded still gets the full state.
 */
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room.ts';
import { connectSio, connectYws, eventually, waitForSioSync, waitForSync } from '../helpers/clients.ts';
import { ADHOC_ROOMS, startTestServer, type TestServer } from '../helpers/server.ts';
import { historyOf } from '../helpers/history.ts';

const IDLE_MS = 200;
const SNAPSHOT_EVERY = 7;

describe('idle unload', () => {
	let server: TestServer | null = null;
	afterEach(async () => {
		await server?.dispose();
		server = null;
	});

	/** Makes `n` edits (one update each) through Socket.IO and waits until all are saved. */
	async function edit(s: TestServer, room: string, from: number, n: number): Promise<void> {
		const c = connectSio(s.url, room, { headers: { cookie: (await s.login()).cookie } });
		try {
			await waitForSioSync(c);
			for (let i = from; i < from + n; i++) c.doc.getMap('m').set(`k${i}`, i);
			await eventually(() => !c.provider.state.unsaved, 10_000, 'edits saved');
		} finally {
			c.destroy();
		}
	}

	it('unloads a room after its last client leaves and destroys its document', async () => {
		server = await startTestServer({
			...ADHOC_ROOMS,
			ROOM_IDLE_MS: String(IDLE_MS),
			SNAPSHOT_EVERY: String(SNAPSHOT_EVERY)
		});
		// Opening the demo incident at start loads its room; it unloads like any other.
		await eventually(() => server!.registry.size === 0, 5_000, 'the demo incident room to unload');
		await edit(server, 'idle-a', 0, 3);
		const room = server.registry.get('idle-a') as Room;
		expect(room.state).toBe('ready');
		let destroyed = false;
		room.doc.on('destroy', () => (destroyed = true));

		await eventually(() => server!.registry.size === 0, 5_000, 'the room to unload');
		expect(room.state).toBe('closed');
		expect(destroyed).toBe(true);
		expect(room.doc.isDestroyed).toBe(true);
	});

	it('reloads from a snapshot plus the log written after it', async () => {
		server = await startTestServer({
			...ADHOC_ROOMS,
			ROOM_IDLE_MS: String(IDLE_MS),
			SNAPSHOT_EVERY: String(SNAPSHOT_EVERY)
		});
		// 10 edits: a snapshot after 7 while loaded, and another as the room unloads.
		await edit(server, 'idle-b', 0, 10);
		await eventually(() => server!.registry.size === 0, 5_000, 'the first unload');
		const unloaded = await server.store.load('idle-b');
		expect(unloaded.snapshotSeq).toBe(10);
		expect(unloaded.updates).toEqual([]);

		// Updates logged after that snapshot, as a crash before the next snapshot leaves them.
		const writer = new Y.Doc();
		const later: Uint8Array[] = [];
		writer.on('update', (u: Uint8Array) => later.push(u));
		for (let i = 10; i < 13; i++) writer.getMap('m').set(`k${i}`, i);
		await server.store.append(
			later.map((update) => ({
				room: 'idle-b',
				update,
				at: Date.now(),
				userId: null,
				orgId: null,
				connectionId: null
			}))
		);
		const { snapshot, snapshotSeq, updates } = await server.store.load('idle-b');
		expect(snapshot).not.toBeNull();
		expect(snapshotSeq).toBe(10);
		expect(updates.map((u) => u.seq)).toEqual([11, 12, 13]);

		const reader = connectYws(server.url, 'idle-b', { token: await server.token() });
		try {
			await waitForSync(reader.provider);
			const m = reader.doc.getMap('m');
			expect(m.size).toBe(13);
			for (let i = 0; i < 13; i++) expect(m.get(`k${i}`)).toBe(i);
			expect(server.registry.get('idle-b')!.lastSeq).toBe(13);
		} finally {
			reader.destroy();
		}
		// Unloading again folds the log into a new snapshot; nothing is lost.
		await eventually(() => server!.registry.size === 0, 5_000, 'the second unload');
		expect((await server.store.load('idle-b')).snapshotSeq).toBe(13);
		expect((await historyOf(server.store, 'idle-b')).length).toBe(13);
	});

	it('gives a client that joins while the room unloads the full state', async () => {
		server = await startTestServer({
			...ADHOC_ROOMS,
			ROOM_IDLE_MS: String(IDLE_MS),
			SNAPSHOT_EVERY: String(SNAPSHOT_EVERY)
		});
		const token = await server.token();
		await edit(server, 'idle-c', 0, 9);
		const room = server.registry.get('idle-c') as Room;
		expect(room.state).toBe('ready');
		// Join at the moment the room starts closing: the join must wait and load it afresh.
		const close = room.close.bind(room);
		const late: { joiner: ReturnType<typeof connectYws> | null } = { joiner: null };
		const closing = new Promise<void>((resolve) => {
			room.close = (...args) => {
				late.joiner = connectYws(server!.url, 'idle-c', { token });
				resolve();
				return close(...args);
			};
		});
		await closing;
		try {
			await waitForSync(late.joiner!.provider);
			const m = late.joiner!.doc.getMap('m');
			expect(m.size).toBe(9);
			for (let i = 0; i < 9; i++) expect(m.get(`k${i}`)).toBe(i);
			const reloaded = server.registry.get('idle-c');
			expect(reloaded).toBeDefined();
			expect(reloaded).not.toBe(room);
			expect(room.doc.isDestroyed).toBe(true);
			expect(Y.encodeStateVector(reloaded!.doc)).toEqual(Y.encodeStateVector(late.joiner!.doc));
		} finally {
			late.joiner?.destroy();
		}
	});
});
