/**
 * The contract every DocStore must pass (memory, SQLite, and any server store to come).
 * Call `describeDocStoreContract(name, makeStore)` from a test file; `makeStore` returns a fresh,
 * empty store and a `dispose` that removes whatever it created. Cases are keyed ([docs-N]) so
 * that the runs of several stores can be read side by side.
 */
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
	InvalidHistoryRangeError,
	StoreClosedError,
	type AppendEntry,
	type DocStore
} from '../../server/store/doc-store.ts';
import { historyOf } from '../helpers/history.ts';

export interface StoreUnderTest {
	store: DocStore;
	dispose(): Promise<void>;
}

const MiB = 1024 * 1024;

function entry(room: string, update: Uint8Array, extra: Partial<AppendEntry> = {}): AppendEntry {
	return { room, update, at: 1_700_000_000_000, userId: null, orgId: null, connectionId: null, ...extra };
}

/** A real Yjs update setting `key` on a fresh document's map. */
function yUpdate(key: string, value: unknown): Uint8Array {
	const doc = new Y.Doc();
	doc.getMap('m').set(key, value);
	return Y.encodeStateAsUpdate(doc);
}

const bytes = (...xs: number[]): Uint8Array => new Uint8Array(xs);

export function describeDocStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
	describe(`DocStore contract: ${name}`, () => {
		let current: StoreUnderTest | null = null;
		const open = async (): Promise<DocStore> => {
			current = await makeStore();
			return current.store;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[docs-1] numbers appends per room from 1, increasing, in the order given', async () => {
			const store = await open();
			expect(await store.append([entry('a', bytes(1)), entry('a', bytes(2))])).toEqual([1, 2]);
			expect(await store.append([entry('b', bytes(3)), entry('a', bytes(4)), entry('b', bytes(5))])).toEqual([
				1, 3, 2
			]);
			expect(await store.append([])).toEqual([]);
			const a = await historyOf(store, 'a');
			expect(a.map((u) => [u.seq, u.update[0]])).toEqual([
				[1, 1],
				[2, 2],
				[3, 4]
			]);
		});

		it('[docs-2] writes in two stages: numbered and readable once written, then on disk', async () => {
			const store = await open();
			const written = await store.write([entry('w', bytes(1)), entry('w', bytes(2))]);
			expect(written.seqs).toEqual([1, 2]);
			// Readable as soon as written, whether or not it is on disk yet.
			expect((await historyOf(store, 'w')).map((u) => u.seq)).toEqual([1, 2]);
			await written.onDisk;
			const next = await store.write([entry('w', bytes(3))]);
			expect(next.seqs).toEqual([3]);
			await next.onDisk;
			expect((await store.write([])).seqs).toEqual([]);
		});

		it('[docs-3] gives concurrent appends across rooms gapless, unique sequence numbers', async () => {
			const store = await open();
			const rooms = ['r1', 'r2', 'r3', 'r4'];
			const calls = Array.from({ length: 200 }, (_, i) =>
				store.append([entry(rooms[i % 4]!, bytes(i % 256)), entry(rooms[(i + 1) % 4]!, bytes(i % 256))])
			);
			const results = await Promise.all(calls);
			for (const room of rooms) {
				const seqs = results.flatMap((seqPair, i) => seqPair.filter((_, j) => rooms[(i + j) % 4] === room));
				expect(seqs.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
				expect((await historyOf(store, room)).map((u) => u.seq)).toEqual(seqs);
			}
		});

		it('[docs-4] loads a room as its newest snapshot plus the log after it', async () => {
			const store = await open();
			expect(await store.load('empty')).toEqual({
				snapshot: null,
				snapshotSeq: 0,
				snapshotStateVector: null,
				updates: []
			});
			const doc = new Y.Doc();
			const updates: Uint8Array[] = [];
			doc.on('update', (u: Uint8Array) => updates.push(u));
			for (let i = 0; i < 6; i++) doc.getMap('m').set(`k${i}`, i);
			await store.append(updates.slice(0, 4).map((u) => entry('room', u)));
			const partial = new Y.Doc();
			for (const u of updates.slice(0, 4)) Y.applyUpdate(partial, u);
			await store.writeSnapshot('room', 2, bytes(9)); // an older snapshot, superseded below
			await store.writeSnapshot('room', 4, Y.encodeStateAsUpdate(partial), Y.encodeStateVector(partial));
			await store.writeSnapshot('room', 3, bytes(8)); // a late, older snapshot does not win
			await store.append(updates.slice(4).map((u) => entry('room', u)));

			const loaded = await store.load('room');
			expect(loaded.snapshotSeq).toBe(4);
			expect(loaded.updates.map((u) => u.seq)).toEqual([5, 6]);
			expect(loaded.snapshotStateVector).toEqual(Y.encodeStateVector(partial));
			const restored = new Y.Doc();
			Y.applyUpdate(restored, loaded.snapshot!);
			for (const u of loaded.updates) Y.applyUpdate(restored, u.update);
			expect(restored.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
		});

		it('[docs-5] returns history ranges inclusive of both ends', async () => {
			const store = await open();
			await store.append(Array.from({ length: 10 }, (_, i) => entry('h', bytes(i))));
			const seqs = async (from?: number, to?: number): Promise<number[]> =>
				(await historyOf(store, 'h', { fromSeq: from, toSeq: to })).map((u) => u.seq);
			expect(await seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
			expect(await seqs(4)).toEqual([4, 5, 6, 7, 8, 9, 10]);
			expect(await seqs(3, 5)).toEqual([3, 4, 5]);
			expect(await seqs(7, 7)).toEqual([7]);
			expect(await seqs(11)).toEqual([]);
			expect(await seqs(6, 2)).toEqual([]);
			expect(await historyOf(store, 'nobody')).toEqual([]);
		});

		it('[docs-6] reads history in pages that run on across a snapshot', async () => {
			const store = await open();
			await store.append(Array.from({ length: 10 }, (_, i) => entry('p', yUpdate(`k${i}`, i))));
			await store.writeSnapshot('p', 5, bytes(1, 2, 3));
			await store.append([entry('p', bytes(11))]);
			for (const pageSize of [3, 5, 11, 100]) {
				expect(
					(await historyOf(store, 'p', { pageSize })).map((u) => u.seq),
					`pageSize ${pageSize}`
				).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
			}
			// A range starting inside the snapshot and ending after it.
			expect((await historyOf(store, 'p', { fromSeq: 4, toSeq: 7, pageSize: 2 })).map((u) => u.seq)).toEqual([
				4, 5, 6, 7
			]);
		});

		it('[docs-7] reads a range in pages, inclusive of both ends, whatever the page size', async () => {
			const store = await open();
			await store.append(Array.from({ length: 20 }, (_, i) => entry('r', bytes(i))));
			await store.append([entry('other', bytes(99))]);
			for (const pageSize of [1, 2, 4, 6, 7, 50]) {
				const read = await historyOf(store, 'r', { fromSeq: 5, toSeq: 16, pageSize });
				expect(
					read.map((u) => u.seq),
					`pageSize ${pageSize}`
				).toEqual(Array.from({ length: 12 }, (_, k) => k + 5));
				expect(read.map((u) => u.update[0])).toEqual(Array.from({ length: 12 }, (_, k) => k + 4));
				expect(read.every((u) => u.room === 'r')).toBe(true);
			}
		});

		it('[docs-8] reads nothing of an empty room, or of a range past the end, in any page size', async () => {
			const store = await open();
			await store.append([entry('full', bytes(1)), entry('full', bytes(2))]);
			for (const pageSize of [1, 2, 256]) {
				expect(await historyOf(store, 'empty', { pageSize })).toEqual([]);
				expect(await historyOf(store, 'full', { fromSeq: 3, pageSize })).toEqual([]);
				expect(await historyOf(store, 'full', { fromSeq: 2, toSeq: 1, pageSize })).toEqual([]);
			}
		});

		it('[docs-9] reads a page size of 1 entry by entry, and goes on to entries appended meanwhile', async () => {
			const store = await open();
			await store.append(Array.from({ length: 3 }, (_, i) => entry('one', bytes(i + 1))));
			const seen: number[] = [];
			for await (const u of store.history('one', { pageSize: 1 })) {
				seen.push(u.seq);
				// Appended between pages: a later page reads it (the reader holds no copy of the log).
				if (u.seq === 2) await store.append([entry('one', bytes(4))]);
			}
			expect(seen).toEqual([1, 2, 3, 4]);
			expect((await historyOf(store, 'one', { pageSize: 1 })).map((u) => u.update[0])).toEqual([1, 2, 3, 4]);
		});

		it('[docs-10] refuses a page size that is not a positive whole number', async () => {
			const store = await open();
			await store.append([entry('bad', bytes(1))]);
			for (const pageSize of [0, -1, 1.5, Number.NaN]) {
				expect(() => store.history('bad', { pageSize }), `pageSize ${pageSize}`).toThrow(
					InvalidHistoryRangeError
				);
			}
		});

		it('[docs-11] never deletes log entries when a snapshot is written', async () => {
			const store = await open();
			await store.append(Array.from({ length: 5 }, (_, i) => entry('s', yUpdate(`k${i}`, i))));
			await store.writeSnapshot('s', 5, bytes(1, 2, 3));
			expect((await historyOf(store, 's')).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5]);
			expect((await store.load('s')).updates).toEqual([]);
			// A snapshot written without a state vector loads without one.
			expect((await store.load('s')).snapshotStateVector).toBeNull();
			expect(await store.append([entry('s', bytes(6))])).toEqual([6]);
		});

		it('[docs-12] round-trips the server-side metadata of each update', async () => {
			const store = await open();
			const update = yUpdate('x', 1);
			await store.append([
				entry('meta', update, {
					at: 1_712_345_678_901,
					userId: 'u-7',
					orgId: 'org-water',
					connectionId: 'sio-42'
				}),
				entry('meta', bytes(1), { at: 1, userId: null, orgId: null, connectionId: null })
			]);
			const [first, second] = await historyOf(store, 'meta');
			expect(first).toEqual({
				room: 'meta',
				seq: 1,
				at: 1_712_345_678_901,
				userId: 'u-7',
				orgId: 'org-water',
				connectionId: 'sio-42',
				size: update.byteLength,
				update
			});
			expect(first!.update).toBeInstanceOf(Uint8Array);
			expect(second).toMatchObject({ seq: 2, at: 1, userId: null, orgId: null, connectionId: null, size: 1 });
		});

		it('[docs-13] stores exactly the bytes of an update given as a view into a larger buffer', async () => {
			const store = await open();
			const backing = new Uint8Array([0xaa, 0xbb, 1, 2, 3, 0xcc]);
			const view = backing.subarray(2, 5);
			await store.append([entry('view', view)]);
			backing.fill(0); // the caller may reuse its buffer once the append resolved
			const [u] = await historyOf(store, 'view');
			expect([...u!.update]).toEqual([1, 2, 3]);
			expect(u!.size).toBe(3);
		});

		it('[docs-14] round-trips a 5 MiB update and a 5 MiB snapshot', async () => {
			const store = await open();
			const big = new Uint8Array(5 * MiB);
			for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251;
			big[big.length - 1] = 7;
			await store.append([entry('big', big)]);
			await store.writeSnapshot('big', 1, big);
			const [u] = await historyOf(store, 'big');
			expect(u!.size).toBe(5 * MiB);
			expect(Buffer.compare(Buffer.from(u!.update), Buffer.from(big))).toBe(0);
			const loaded = await store.load('big');
			expect(Buffer.compare(Buffer.from(loaded.snapshot!), Buffer.from(big))).toBe(0);
		});

		it('[docs-15] commits appends made before close, and rejects later ones with StoreClosedError', async () => {
			const store = await open();
			const pending = store.append([entry('c', bytes(1))]);
			await store.close();
			expect(await pending).toEqual([1]);
			expect(store.isReady()).toBe(false);
			await expect(store.append([entry('c', bytes(2))])).rejects.toBeInstanceOf(StoreClosedError);
			await expect(store.writeSnapshot('c', 1, bytes(1))).rejects.toBeInstanceOf(StoreClosedError);
			await store.close(); // closing twice is harmless
		});
	});
}
