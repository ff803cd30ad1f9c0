/**
 * Owner leases in PostgreSQL and the fencing of appends: one owner per room at a time, taken over
 * only once expired (by the database's clock) or released, with a higher epoch; an owner that was
 * taken over cannot write, at the database, while the rooms it still owns write on.
 */
import { expect, it } from 'vitest';
import { PgLeases, type Lease } from '../../server/store/postgres/leases.ts';
import { FencedWriteError, PgDocStore } from '../../server/store/postgres/pg-doc-store.ts';
import { docLogPgMigrations } from '../../server/store/postgres/schema.ts';
import { historyOf } from '../helpers/history.ts';
import { describePostgres, emptiedSchemaPerCase } from '../helpers/postgres.ts';
import { entry } from './temp-sqlite.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describePostgres('PostgreSQL owner leases', () => {
	const fresh = emptiedSchemaPerCase(docLogPgMigrations);

	it('[leases-1] gives a free lease, renews its owner’s, refuses others until it expires, then raises the epoch', async () => {
		const leases = new PgLeases((await fresh()).pool);
		const a = await leases.acquire('inc-1', 'node-a', 300);
		expect(a).toEqual({ ok: true, lease: { room: 'inc-1', node: 'node-a', epoch: 1 } });
		expect(await leases.acquire('inc-1', 'node-a', 300)).toEqual(a);
		const refused = await leases.acquire('inc-1', 'node-b', 300);
		expect(refused.ok).toBe(false);
		if (!refused.ok) {
			expect(refused.owner).toEqual({ room: 'inc-1', node: 'node-a', epoch: 1 });
			expect(refused.remainingMs).toBeGreaterThan(0);
			expect(refused.remainingMs).toBeLessThanOrEqual(300);
		}
		await sleep(350);
		const b = await leases.acquire('inc-1', 'node-b', 300);
		expect(b).toEqual({ ok: true, lease: { room: 'inc-1', node: 'node-b', epoch: 2 } });
		// The old owner learns it lost the lease when it tries to renew.
		expect(await leases.renew({ room: 'inc-1', node: 'node-a', epoch: 1 }, 300)).toBe(false);
		expect(await leases.renew({ room: 'inc-1', node: 'node-b', epoch: 2 }, 300)).toBe(true);
	});

	it('[leases-2] hands a released lease to the next node at once, with a higher epoch', async () => {
		const leases = new PgLeases((await fresh()).pool);
		const a = await leases.acquire('inc-1', 'node-a', 60_000);
		if (!a.ok) throw new Error('expected the lease');
		await leases.release(a.lease);
		expect(await leases.holder('inc-1')).toBeUndefined();
		expect(await leases.acquire('inc-1', 'node-b', 60_000)).toEqual({
			ok: true,
			lease: { room: 'inc-1', node: 'node-b', epoch: 2 }
		});
	});

	it('[leases-3] gives an expired lease to exactly one of many nodes asking at once', async () => {
		const leases = new PgLeases((await fresh()).pool);
		const results = await Promise.all(
			Array.from({ length: 8 }, (_, i) => leases.acquire('inc-1', `node-${i}`, 60_000))
		);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
	});

	it('[leases-4] fails the appends of an owner that was taken over, writes nothing of them, and keeps its other rooms writing', async () => {
		const { pool } = await fresh();
		const leases = new PgLeases(pool);
		const held = new Map<string, Lease>();
		const a = new PgDocStore(pool, { fence: (room) => held.get(room) });
		for (const room of ['inc-1', 'inc-2']) {
			const got = await leases.acquire(room, 'node-a', 200);
			if (!got.ok) throw new Error('expected the lease');
			held.set(room, got.lease);
		}
		expect(await a.append([entry('inc-1', 1)])).toEqual([1]);
		// node-a pauses past its lease of inc-1; node-b takes it over and writes.
		await sleep(250);
		expect(await leases.renew(held.get('inc-2')!, 60_000)).toBe(true);
		const taken = await leases.acquire('inc-1', 'node-b', 60_000);
		if (!taken.ok) throw new Error('expected the takeover');
		const b = new PgDocStore(pool, { fence: (room) => (room === 'inc-1' ? taken.lease : undefined) });
		expect(await b.append([entry('inc-1', 2)])).toEqual([2]);
		// node-a wakes up and writes both rooms in one group: inc-1 is refused, inc-2 is written.
		const stale = a.append([entry('inc-1', 3)]);
		const other = a.append([entry('inc-2', 4)]);
		await expect(stale).rejects.toBeInstanceOf(FencedWriteError);
		await expect(stale).rejects.toThrow(/taken over/);
		expect(await other).toEqual([1]);
		expect(a.isReady()).toBe(true);
		expect((await historyOf(a, 'inc-1')).map((u) => [u.seq, u.update[0]])).toEqual([
			[1, 1],
			[2, 2]
		]);
		await a.close();
		await b.close();
	});
});
