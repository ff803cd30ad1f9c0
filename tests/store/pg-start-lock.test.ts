/**
 * The start lock (store/postgres/start-lock.ts): two nodes' seeding on one schema runs one after
 * the other, the second told it waits; other schemas do not wait; a failed seeding releases it.
 */
import { afterEach, expect, it } from 'vitest';
import { underStartLock } from '../../server/store/postgres/start-lock.ts';
import { describePostgres, openTestPool, type TestPool } from '../helpers/postgres.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describePostgres('PostgreSQL start lock', () => {
	const pools: TestPool[] = [];
	afterEach(async () => {
		for (const p of pools.splice(0)) await p.dispose();
	});
	const open = async (schema?: string): Promise<TestPool> => {
		const p = await openTestPool([], schema);
		pools.push(p);
		return p;
	};

	it('[start-lock-1] two nodes on one schema take turns; the second is told it waits; another schema does not wait', async () => {
		const a = await open();
		const b = await open(a.schema);
		const other = await open();
		const order: string[] = [];
		let bWaited = false;
		let otherWaited = false;
		const first = underStartLock(a.pool, a.schema, async () => {
			order.push('a start');
			await sleep(400);
			order.push('a end');
		});
		await sleep(50);
		const second = underStartLock(
			b.pool,
			a.schema,
			async () => {
				order.push('b start');
				order.push('b end');
			},
			() => (bWaited = true)
		);
		await underStartLock(
			other.pool,
			other.schema,
			async () => void order.push('other'),
			() => (otherWaited = true)
		);
		await Promise.all([first, second]);
		expect(order.filter((o) => o !== 'other')).toEqual(['a start', 'a end', 'b start', 'b end']);
		expect(order.indexOf('other')).toBeLessThan(order.indexOf('a end'));
		expect(bWaited).toBe(true);
		expect(otherWaited).toBe(false);
	});

	it('[start-lock-2] a seeding that fails lets the lock go', async () => {
		const a = await open();
		await expect(
			underStartLock(a.pool, a.schema, async () => {
				throw new Error('seed failed');
			})
		).rejects.toThrow('seed failed');
		let waited = false;
		expect(
			await underStartLock(
				a.pool,
				a.schema,
				async () => 7,
				() => (waited = true)
			)
		).toBe(7);
		expect(waited).toBe(false);
	});
});
