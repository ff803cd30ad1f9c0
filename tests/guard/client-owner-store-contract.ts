/**
 * The contract every ClientOwnerStore must pass (SQLite now; synchronous on purpose, see
 * server/guard/client-owners.ts). Call `describeClientOwnerStoreContract(name, makeStore)` from a
 * test file; `makeStore` returns a fresh, empty store and a `dispose` that removes whatever it
 * created. Cases are keyed ([client-owners-N]) so that the runs of several stores can be read
 * side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOwnerStore } from '../../server/guard/client-owners.ts';

export interface ClientOwnerStoreUnderTest {
	store: ClientOwnerStore;
	dispose(): Promise<void>;
}

export function describeClientOwnerStoreContract(
	name: string,
	makeStore: () => Promise<ClientOwnerStoreUnderTest>
): void {
	describe(`ClientOwnerStore contract: ${name}`, () => {
		let current: ClientOwnerStoreUnderTest | null = null;
		const open = async (): Promise<ClientOwnerStore> => {
			current = await makeStore();
			return current.store;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[client-owners-1] knows no owners in a room where nothing was bound', async () => {
			const store = await open();
			expect(store.ownersOf('inc-1')).toEqual(new Map());
		});

		it('[client-owners-2] has the ids bound to their user when bind returns, per room', async () => {
			const store = await open();
			store.bind('inc-1', [101, 102], 'u-a');
			store.bind('inc-1', [103], 'u-b');
			store.bind('inc-2', [101], 'u-b');
			expect(store.ownersOf('inc-1')).toEqual(
				new Map([
					[101, 'u-a'],
					[102, 'u-a'],
					[103, 'u-b']
				])
			);
			expect(store.ownersOf('inc-2')).toEqual(new Map([[101, 'u-b']]));
		});

		it('[client-owners-3] keeps the first owner of an id that is bound again', async () => {
			const store = await open();
			store.bind('inc-1', [7], 'u-a');
			store.bind('inc-1', [7, 8], 'u-b');
			expect(store.ownersOf('inc-1')).toEqual(
				new Map([
					[7, 'u-a'],
					[8, 'u-b']
				])
			);
		});

		it('[client-owners-4] binds nothing for no ids', async () => {
			const store = await open();
			store.bind('inc-1', [], 'u-a');
			expect(store.ownersOf('inc-1').size).toBe(0);
		});

		it('[client-owners-5] keeps Yjs client ids up to 2^32 - 1 exactly', async () => {
			const store = await open();
			store.bind('inc-1', [0, 2 ** 31, 2 ** 32 - 1], 'u-a');
			expect([...store.ownersOf('inc-1').keys()].sort((a, b) => a - b)).toEqual([0, 2 ** 31, 2 ** 32 - 1]);
		});
	});
}
