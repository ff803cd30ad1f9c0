/**
 * The contract every RefusalStore must pass (SQLite now, PostgreSQL later). Call
 * `describeRefusalStoreContract(name, makeStore)` from a test file; `makeStore` returns a fresh,
 * empty store and a `dispose`. Cases are keyed ([refusals-N]) so that the runs of several stores
 * can be read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RefusalRecord, RefusalStore } from '../../server/guard/refusal-store.ts';

export interface RefusalStoreUnderTest {
	store: RefusalStore;
	dispose(): Promise<void>;
}

const T0 = 1_700_000_000_000;

export function refusal(seq: number, over: Partial<RefusalRecord> = {}): RefusalRecord {
	return {
		id: `r-${seq}-${over.field ?? 'status'}`,
		room: 'inc-1',
		seq,
		at: T0 + seq,
		deviceAt: T0 - 3_600_000,
		userId: 'u-field',
		orgId: 'team-a',
		collection: 'tasks',
		entityId: 't1',
		field: 'status',
		op: 'update',
		attempted: 'in_progress',
		reason: 'you may not change status of this task',
		...over
	};
}

export function describeRefusalStoreContract(
	name: string,
	makeStore: () => Promise<RefusalStoreUnderTest>
): void {
	describe(`RefusalStore contract: ${name}`, () => {
		let current: RefusalStoreUnderTest | null = null;
		const open = async (): Promise<RefusalStore> => {
			current = await makeStore();
			return current.store;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[refusals-1] keeps every field of a record, the attempted value as the author typed it', async () => {
			const store = await open();
			const attempted = {
				kind: 'observation',
				label: '路面塌陷',
				geometry: { type: 'Point', coordinates: [1, 2] }
			};
			const r = refusal(3, {
				op: 'create',
				field: null,
				entityId: 'obs-1',
				collection: 'annotations',
				attempted
			});
			await store.record([r]);
			expect(await store.byId(r.id)).toEqual(r);
		});

		it('[refusals-2] lists an incident’s records oldest first, by seq then as recorded, narrowed to one author', async () => {
			const store = await open();
			await store.record([refusal(5, { field: 'status' }), refusal(5, { field: 'updates', op: 'create' })]);
			await store.record([
				refusal(2, { userId: 'u-other' }),
				refusal(9, { room: 'inc-2' }),
				refusal(7, { deviceAt: null })
			]);
			const all = await store.ofIncident('inc-1');
			expect(all.map((r) => [r.seq, r.field, r.userId])).toEqual([
				[2, 'status', 'u-other'],
				[5, 'status', 'u-field'],
				[5, 'updates', 'u-field'],
				[7, 'status', 'u-field']
			]);
			expect(all[3]!.deviceAt).toBeNull();
			expect((await store.ofIncident('inc-1', { userId: 'u-other' })).map((r) => r.seq)).toEqual([2]);
			expect((await store.ofIncident('inc-1', { limit: 2 })).length).toBe(2);
			expect(await store.ofIncident('inc-none')).toEqual([]);
		});

		it('[refusals-5] pages through an incident’s records with an offset, in the same order', async () => {
			const store = await open();
			await store.record([
				refusal(3, { field: 'a' }),
				refusal(3, { field: 'b' }),
				refusal(4, { field: 'c' })
			]);
			await store.record([refusal(6, { field: 'd', userId: 'u-other' }), refusal(8, { field: 'e' })]);
			const page = async (offset: number, userId?: string) =>
				(await store.ofIncident('inc-1', { limit: 2, offset, ...(userId ? { userId } : {}) })).map(
					(r) => r.field
				);
			expect(await page(0)).toEqual(['a', 'b']);
			expect(await page(2)).toEqual(['c', 'd']);
			expect(await page(4)).toEqual(['e']);
			expect(await page(6)).toEqual([]);
			expect(await page(1, 'u-field')).toEqual(['b', 'c']);
		});

		it('[refusals-3] keeps a removal’s attempted value as null and answers null for an unknown id', async () => {
			const store = await open();
			const r = refusal(4, { op: 'delete', attempted: null });
			await store.record([r]);
			expect((await store.byId(r.id))?.attempted).toBeNull();
			expect(await store.byId('no-such-refusal')).toBeNull();
		});

		it('[refusals-4] writes a batch whole or not at all: a record whose id is taken fails the batch', async () => {
			const store = await open();
			await store.record([refusal(1)]);
			await expect(store.record([refusal(2), refusal(1)])).rejects.toThrow();
			expect((await store.ofIncident('inc-1')).map((r) => r.seq)).toEqual([1]);
		});
	});
}
