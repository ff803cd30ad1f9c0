/**
 * The owner's desk (server/cluster/owner-desk.ts) with a real Room on SQLite, no Redis needed: a
 * stand-in for another node's client whose join falls in a drain whose commit fails is answered
 * with a named refusal (storage-failed), and its client's node is told to close it once; a
 * stand-in whose client left while its join waited does not stay in the room.
 */
import fs from 'node:fs';
import * as Y from 'yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Close } from '../../src/lib/domain/protocol.ts';
import { LEFT_BEFORE_JOINED, OwnerDesk } from '../../server/cluster/owner-desk.ts';
import type { FromOwner } from '../../server/cluster/wire.ts';
import { silentLogger } from '../../server/log.ts';
import { Room } from '../../server/rooms/room.ts';
import { docLogMigrations } from '../../server/store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../../server/store/sqlite/sqlite-doc-store.ts';
import { TestClient } from '../guard/room-harness.ts';
import { eventually } from '../helpers/clients.ts';
import { tempDataDir } from '../helpers/server.ts';
import { openAt } from '../store/temp-sqlite.ts';

const updateOf = (key: string): Uint8Array => {
	const doc = new Y.Doc();
	doc.getMap('m').set(key, 1);
	return Y.encodeStateAsUpdate(doc);
};

describe('owner desk', () => {
	const cleanup: Array<() => Promise<void> | void> = [];
	afterEach(async () => {
		for (const c of cleanup.splice(0).reverse()) await c();
	});

	/** A room named 'r' on a SQLite log of its own, loaded; closed and removed after the test. */
	async function openRoom(): Promise<{ room: Room; store: SqliteDocStore }> {
		const dir = tempDataDir('sitroom-desk-');
		const { db, file } = openAt(dir, docLogMigrations);
		const store = new SqliteDocStore(db, { file });
		const room = new Room(
			'r',
			store,
			[],
			{ maxMessageBytes: 1 << 20, maxAwarenessStateBytes: 16384, snapshotEvery: 1000 },
			silentLogger()
		);
		cleanup.push(async () => {
			await room.close();
			await store.close();
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		});
		await room.loaded;
		return { room, store };
	}

	it('[desk-1] a stand-in whose join falls in a failed commit is answered storage-failed, not never', async () => {
		const { room, store } = await openRoom();
		const author = new TestClient(null, () => room);
		await room.join(author);
		const replies: Array<{ to: string; message: FromOwner }> = [];
		const desk = new OwnerDesk({
			ownedRoom: () => (room.state === 'ready' ? room : null),
			reply: (to, message) => replies.push({ to, message }),
			log: silentLogger()
		});

		// The database goes away: the next commit fails. In the same turn, a local client's update
		// and another node's client's first forwarded update (its stand-in's join) reach the room,
		// so they are drained, and their commit fails, together.
		vi.spyOn(store, 'write').mockRejectedValue(new Error('the database is unreachable'));
		const local = author.sendUpdate(updateOf('local'));
		desk.handle(
			{
				kind: 'frame',
				id: 7,
				from: 'node-b',
				room: 'r',
				conn: 'remote-1',
				transport: 'socket.io',
				identity: null,
				deviceAt: null
			},
			updateOf('remote')
		);

		expect(await local).toMatchObject({ ok: false, close: Close.StorageFailed });
		expect(room.state).toBe('failed');
		// Regression: the stand-in's join never settled, so the forwarded update was never answered
		// (its node waited for the forward timeout) and the stand-in's frames queued behind it for good.
		await eventually(
			() => replies.some((r) => r.message.kind === 'result'),
			3000,
			'the owner answers the forwarded update'
		);
		const answer = replies.find((r) => r.message.kind === 'result')!;
		expect(answer.to).toBe('node-b');
		expect(answer.message).toMatchObject({
			kind: 'result',
			id: 7,
			result: { ok: false, close: Close.StorageFailed }
		});
		// Its node is told once to close the client (the room closed the stand-in), so it resyncs.
		const closes = replies.filter((r) => r.message.kind === 'close');
		expect(closes).toHaveLength(1);
		expect(closes[0]!.message).toMatchObject({ conn: 'remote-1', reason: Close.StorageFailed.reason });
	});
	it('[desk-2] a stand-in whose client left while its join waited leaves the room, and its frame is answered', async () => {
		const { room } = await openRoom();
		const local = new TestClient(null, () => room);
		await room.join(local);
		const replies: FromOwner[] = [];
		const desk = new OwnerDesk({
			ownedRoom: () => (room.state === 'ready' ? room : null),
			reply: (_to, message) => replies.push(message),
			log: silentLogger()
		});
		const from = { from: 'node-b', room: 'r', conn: 'remote-1' };
		// The first forwarded frame makes the stand-in and queues its join; in the same turn, before
		// the room drains its queue, the client's node says it left.
		desk.handle(
			{ kind: 'frame', id: 1, ...from, transport: 'socket.io', identity: null, deviceAt: null },
			updateOf('remote')
		);
		desk.handle({ kind: 'leave', ...from }, new Uint8Array());

		await eventually(() => replies.some((m) => m.kind === 'result'), 3000, 'the frame is answered');
		expect(replies.find((m) => m.kind === 'result')).toMatchObject({
			kind: 'result',
			id: 1,
			result: { ok: false, close: Close.Normal, message: LEFT_BEFORE_JOINED }
		});
		// Regression: the join completed after the leave had found no member, so the stand-in stayed
		// a member for good: two peers here instead of one.
		expect([...room.peers]).toEqual([local]);
		expect(room.doc.getMap('m').has('remote')).toBe(false);
	});
});
