/**
 * Each room hook's rule, on a real Room with a real SQLite store: an onCommitted hook is awaited
 * before the update is broadcast and acknowledged, and one that throws or rejects is logged while
 * the update still reaches the other peers and its sender still hears "saved"; an onLeave or
 * describeChange that throws is logged and costs nothing else; an onLoaded that throws fails the
 * room.
 */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../server/log.ts';
import type { FrameResult } from '../../server/rooms/frame-result.ts';
import { HookFailedError } from '../../server/rooms/hook-runner.ts';
import type { CommittedUpdate, RoomHooks } from '../../server/rooms/hooks.ts';
import { Room } from '../../server/rooms/room.ts';
import { docLogMigrations } from '../../server/store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../../server/store/sqlite/sqlite-doc-store.ts';
import { TestClient } from '../guard/room-harness.ts';
import { tempDataDir } from '../helpers/server.ts';
import { openAt } from '../store/temp-sqlite.ts';

const LIMITS = { maxMessageBytes: 1 << 20, maxAwarenessStateBytes: 16384, snapshotEvery: 1000 };

interface Setup {
	room: Room;
	store: SqliteDocStore;
	/** The room's log lines, parsed. */
	logged: Array<Record<string, unknown>>;
}

/** A change of its own document that `client` sends; resolves with the room's answer. */
function sendChange(client: TestClient, key: string): Promise<FrameResult> {
	const before = Y.encodeStateVector(client.doc);
	client.doc.getMap('m').set(key, key);
	return client.sendUpdate(Y.encodeStateAsUpdate(client.doc, before));
}

/** `p`, or a failure after `ms`: a pipeline that stops must fail the test, not hang it. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
	return Promise.race([
		p,
		new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms))
	]);
}

describe('room hooks', () => {
	const cleanups: Array<() => Promise<void>> = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	/** A room on a fresh SQLite file; loaded unless `loading` (then its load may yet fail). */
	async function roomWith(hooks: RoomHooks[], { loading = false } = {}): Promise<Setup> {
		const dir = tempDataDir('sitroom-hooks-');
		const { db, file } = openAt(dir, docLogMigrations);
		const store = new SqliteDocStore(db, { file });
		const logged: Array<Record<string, unknown>> = [];
		const sink = new Writable({
			write(chunk: Buffer, _enc, done) {
				logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
				done();
			}
		});
		const log: Logger = pino({ level: 'info' }, sink);
		const room = new Room('r', store, hooks, LIMITS, log);
		cleanups.push(async () => {
			await room.close();
			await store.close();
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		});
		if (!loading) await room.loaded;
		return { room, store, logged };
	}

	async function twoPeers(room: Room): Promise<{ author: TestClient; other: TestClient }> {
		const author = new TestClient(null, () => room);
		const other = new TestClient(null, () => room);
		await room.join(author);
		await room.join(other);
		return { author, other };
	}

	/** Records the updates each onCommitted call saw. */
	function recorder(): RoomHooks & { seen: CommittedUpdate[][] } {
		const seen: CommittedUpdate[][] = [];
		return { name: 'recorder', seen, onCommitted: ({ updates }) => void seen.push([...updates]) };
	}

	const failures = [
		{
			how: 'throws',
			hook: {
				name: 'throwing',
				onCommitted() {
					throw new Error('index write failed');
				}
			} satisfies RoomHooks
		},
		{
			how: 'rejects',
			hook: {
				name: 'rejecting',
				async onCommitted() {
					await new Promise((r) => setImmediate(r));
					throw new Error('index write failed');
				}
			} satisfies RoomHooks
		}
	];

	for (const { how, hook } of failures) {
		it(`broadcasts and acknowledges a committed update whose onCommitted hook ${how}, and logs the failure`, async () => {
			const after = recorder();
			const { room, store, logged } = await roomWith([hook, after]);
			const { author, other } = await twoPeers(room);

			const result = await within(5_000, sendChange(author, 'a'), 'the sender’s ack');

			expect(result).toEqual({ ok: true });
			expect(other.received).toHaveLength(1);
			expect(other.doc.getMap('m').get('a')).toBe('a');
			expect((await store.load('r')).updates).toHaveLength(1);
			// The hooks after the failing one still ran.
			expect(after.seen.map((u) => u.map((x) => x.seq))).toEqual([[1]]);
			expect(logged).toContainEqual(
				expect.objectContaining({
					level: 50,
					room: 'r',
					hook: hook.name,
					seqs: [1],
					err: expect.objectContaining({ message: 'index write failed' }),
					msg: 'onCommitted hook failed; the updates stay committed'
				})
			);

			// And the room goes on: the next update is handled like any.
			expect(await within(5_000, sendChange(author, 'b'), 'the second ack')).toEqual({ ok: true });
			expect(other.received).toHaveLength(2);
		});
	}

	it('waits for an async onCommitted hook before broadcasting and acknowledging', async () => {
		let release!: () => void;
		const holding: RoomHooks = {
			name: 'holding',
			onCommitted: () => new Promise<void>((r) => (release = r))
		};
		const { room, store } = await roomWith([holding]);
		const { author, other } = await twoPeers(room);
		let answer: FrameResult | null = null;
		void sendChange(author, 'a').then((r) => (answer = r));

		await within(
			5_000,
			waitFor(() => release !== undefined),
			'the hook to be called'
		);
		// Written, yet neither shown nor acknowledged while the hook runs.
		expect((await store.load('r')).updates).toHaveLength(1);
		await new Promise((r) => setTimeout(r, 50));
		expect(other.received).toHaveLength(0);
		expect(answer).toBeNull();

		release();
		await within(
			5_000,
			waitFor(() => answer !== null),
			'the ack'
		);
		expect(answer).toEqual({ ok: true });
		expect(other.received).toHaveLength(1);
	});

	it('lets a peer leave when an onLeave hook throws, tells the hooks after it, and logs the failure', async () => {
		const left: string[] = [];
		const { room, logged } = await roomWith([
			{
				name: 'throwing',
				onLeave() {
					throw new Error('tracking lost');
				}
			},
			{ name: 'recorder', onLeave: ({ peer }) => void left.push(peer.id) }
		]);
		const { author } = await twoPeers(room);

		expect(() => room.leave(author)).not.toThrow();

		expect(room.peerCount).toBe(1);
		expect(left).toEqual([author.id]);
		expect(logged).toContainEqual(
			expect.objectContaining({ level: 50, hook: 'throwing', conn: author.id, msg: 'onLeave hook failed' })
		);
	});

	it('commits a server-made change whose describeChange hook throws, and logs the failure', async () => {
		const after = recorder();
		const { room, store, logged } = await roomWith([
			{
				name: 'throwing',
				describeChange() {
					throw new Error('cannot describe');
				}
			},
			after
		]);
		const { other } = await twoPeers(room);

		await within(
			5_000,
			room.change((doc) => doc.getMap('m').set('x', 1), { userId: 'u-1', orgId: 'org-1' }),
			'the change'
		);

		expect((await store.load('r')).updates).toMatchObject([{ seq: 1, userId: 'u-1', orgId: 'org-1' }]);
		expect(other.doc.getMap('m').get('x')).toBe(1);
		expect(after.seen[0]![0]!.origin).toEqual({
			kind: 'server',
			actingFor: { userId: 'u-1', orgId: 'org-1' }
		});
		expect(logged).toContainEqual(
			expect.objectContaining({ level: 50, hook: 'throwing', msg: 'describing a server-made change failed' })
		);
	});

	it('fails the room when an onLoaded hook throws: nobody is served a document a hook could not prepare', async () => {
		const { room } = await roomWith(
			[
				{
					name: 'throwing',
					onLoaded() {
						throw new Error('cannot prepare');
					}
				}
			],
			{ loading: true }
		);

		await expect(room.loaded).rejects.toThrow(HookFailedError);
		expect(room.state).toBe('failed');
		await expect(room.join(new TestClient(null, () => room))).rejects.toThrow(/room r is failed/);
	});
});

async function waitFor(done: () => boolean): Promise<void> {
	while (!done()) await new Promise((r) => setTimeout(r, 5));
}
