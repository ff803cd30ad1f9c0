/**
 * The contract every AttributionStore must pass (SQLite now, PostgreSQL later). Call
 * `describeAttributionStoreContract(name, makeStore)` from a test file; `makeStore` returns a
 * fresh, empty store and a `dispose` that removes whatever it created. Cases are keyed
 * ([attribution-N]) so that the runs of several stores can be read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AttributionStore, ChangeRow } from '../../server/guard/attribution-store.ts';

export interface AttributionStoreUnderTest {
	store: AttributionStore;
	dispose(): Promise<void>;
}

const T0 = 1_700_000_000_000;

function change(seq: number, over: Partial<ChangeRow> = {}): ChangeRow {
	return {
		room: 'inc-1',
		seq,
		at: T0 + seq,
		userId: 'u-1',
		orgId: 'org-1',
		collection: 'tasks',
		entityId: 't1',
		field: 'title',
		op: 'update',
		...over
	};
}

export function describeAttributionStoreContract(
	name: string,
	makeStore: () => Promise<AttributionStoreUnderTest>
): void {
	describe(`AttributionStore contract: ${name}`, () => {
		let current: AttributionStoreUnderTest | null = null;
		const open = async (): Promise<AttributionStore> => {
			current = await makeStore();
			return current.store;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[attribution-1] knows no changes of a room nothing was recorded for', async () => {
			const store = await open();
			await store.record([]);
			expect(await store.changesOf('inc-1', 'tasks', 't1')).toEqual([]);
			expect(await store.changesOf('inc-1', 'meta', null)).toEqual([]);
			expect(await store.attribution('inc-1')).toEqual([]);
		});

		it('[attribution-2] has the rows of a record call readable once it resolves, exactly as given', async () => {
			const store = await open();
			const rows = [
				change(1, { op: 'create', field: null }),
				change(1, { field: 'status', userId: null, orgId: null })
			];
			await store.record(rows);
			expect(await store.changesOf('inc-1', 'tasks', 't1')).toEqual([rows[1], rows[0]]);
		});

		it('[attribution-3] lists an entity’s changes newest first: by seq, then the later row of one seq', async () => {
			const store = await open();
			await store.record([change(2, { field: 'a' }), change(2, { field: 'b' })]);
			await store.record([change(1, { field: 'c' })]);
			await store.record([change(3, { field: 'd' }), change(3, { entityId: 't2', field: 'e' })]);
			const fields = async (limit?: number): Promise<Array<string | null>> =>
				(await store.changesOf('inc-1', 'tasks', 't1', limit)).map((c) => c.field);
			expect(await fields()).toEqual(['d', 'b', 'a', 'c']);
			expect(await fields(2)).toEqual(['d', 'b']);
		});

		it('[attribution-4] keeps the changes of rooms, collections and entities apart', async () => {
			const store = await open();
			await store.record([
				change(1),
				change(1, { room: 'inc-2' }),
				change(2, { collection: 'feeds' }),
				change(3, { entityId: 't2' })
			]);
			expect((await store.changesOf('inc-1', 'tasks', 't1')).map((c) => [c.room, c.seq])).toEqual([
				['inc-1', 1]
			]);
			expect((await store.changesOf('inc-2', 'tasks', 't1')).map((c) => c.seq)).toEqual([1]);
			expect((await store.changesOf('inc-1', 'feeds', 't1')).map((c) => c.seq)).toEqual([2]);
			expect((await store.changesOf('inc-3', 'tasks', 't1')).map((c) => c.seq)).toEqual([]);
		});

		it('[attribution-5] lists the incident’s own fields with entity null, apart from its entities', async () => {
			const store = await open();
			await store.record([
				change(1, { collection: 'meta', entityId: null, field: 'level' }),
				change(2, { collection: 'meta', entityId: null, field: 'status' }),
				change(3, { collection: 'meta', entityId: 'x', field: 'status' })
			]);
			expect((await store.changesOf('inc-1', 'meta', null)).map((c) => c.field)).toEqual(['status', 'level']);
			expect((await store.changesOf('inc-1', 'meta', 'x')).map((c) => c.seq)).toEqual([3]);
		});

		it('[attribution-6] tells per entity who created it and who changed it last, by collection and id', async () => {
			const store = await open();
			await store.record([
				change(1, { op: 'create', field: null, userId: 'u-maker' }),
				change(1, { op: 'create', field: 'title', userId: 'u-maker' })
			]);
			await store.record([change(2, { userId: 'u-editor', at: T0 + 500 })]);
			// An entity whose creation was never recorded (made before attribution existed).
			await store.record([change(3, { collection: 'annotations', entityId: 'a1', userId: 'u-other' })]);
			// The incident's own fields are no entity; another room is not this one's.
			await store.record([
				change(4, { collection: 'meta', entityId: null }),
				change(1, { room: 'inc-2', entityId: 't9' })
			]);
			expect(await store.attribution('inc-1')).toEqual([
				{
					collection: 'annotations',
					entityId: 'a1',
					createdBy: null,
					createdAt: null,
					lastChangedBy: 'u-other',
					lastChangedAt: T0 + 3
				},
				{
					collection: 'tasks',
					entityId: 't1',
					createdBy: 'u-maker',
					createdAt: T0 + 1,
					lastChangedBy: 'u-editor',
					lastChangedAt: T0 + 500
				}
			]);
		});

		it('[attribution-7] names the first creation of an entity made again (deleted and recreated)', async () => {
			const store = await open();
			await store.record([change(1, { op: 'create', field: null, userId: 'u-first' })]);
			await store.record([change(2, { op: 'delete', field: null, userId: 'u-second' })]);
			await store.record([change(3, { op: 'create', field: null, userId: 'u-third' })]);
			expect(await store.attribution('inc-1')).toEqual([
				expect.objectContaining({ createdBy: 'u-first', createdAt: T0 + 1, lastChangedBy: 'u-third' })
			]);
		});
	});
}
