/**
 * The PostgreSQL document store passes the DocStore contract, and what SQLite gets from having one
 * writer holds across writers on one database: two stores (two nodes) appending to one room at
 * once get gapless, unique numbers, committed in number order; migrations run twice and from
 * two nodes at once apply each once; the guard's client-id bindings are written in the log's own
 * transaction, and not at all when it rolls back.
 */
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { PgClientOwnerStore } from '../../server/guard/postgres/client-owners.ts';
import {
	PgRefusalStore,
	pgRefusalCompanion,
	refusalPgMigrations
} from '../../server/guard/postgres/refusal-store.ts';
import { guardPgMigrations } from '../../server/guard/postgres/schema.ts';
import { PG_MIGRATIONS } from '../../server/compose/postgres-stores.ts';
import type { AppendEntry } from '../../server/store/doc-store.ts';
import { migratePg, openPgPool, type PgPool } from '../../server/store/postgres/database.ts';
import { PgDocStore } from '../../server/store/postgres/pg-doc-store.ts';
import { docLogPgMigrations } from '../../server/store/postgres/schema.ts';
import { historyOf } from '../helpers/history.ts';
import {
	describePostgres,
	dropSchema,
	emptiedSchemaPerCase,
	freshSchemaName,
	openTestPool,
	TEST_DATABASE_URL,
	type TestPool
} from '../helpers/postgres.ts';
import { describeDocStoreContract } from './doc-store-contract.ts';
import { entry } from './temp-sqlite.ts';

describePostgres('PostgreSQL', () => {
	const fresh = emptiedSchemaPerCase(docLogPgMigrations);
	describeDocStoreContract('PgDocStore', async () => {
		const { pool } = await fresh();
		const store = new PgDocStore(pool);
		return { store, dispose: () => store.close() };
	});

	const opened: TestPool[] = [];
	const extraPools: PgPool[] = [];
	afterEach(async () => {
		for (const p of extraPools.splice(0)) await p.end();
		for (const t of opened.splice(0)) await t.dispose();
	});

	/** A second pool on the same schema: another node. */
	const anotherNode = async (t: TestPool): Promise<PgPool> => {
		const pool = await openPgPool({ url: TEST_DATABASE_URL, schema: t.schema, migrations: [], max: 4 });
		extraPools.push(pool);
		return pool;
	};

	it('[pg-docs-1] numbers one room gaplessly across two writers, and commits in number order', async () => {
		const t = await openTestPool(docLogPgMigrations);
		opened.push(t);
		const a = new PgDocStore(t.pool);
		const b = new PgDocStore(await anotherNode(t));
		// A reader polls what is committed meanwhile: it must never see a number before a smaller one.
		const seen: number[][] = [];
		let reading = true;
		const reader = (async () => {
			while (reading) {
				const res = await t.pool.query<{ seq: number }>(
					"SELECT seq FROM doc_updates WHERE room = 'r' ORDER BY seq"
				);
				seen.push(res.rows.map((r) => r.seq));
			}
		})();
		const writes: Array<Promise<number[]>> = [];
		for (let i = 0; i < 60; i++) {
			writes.push(a.append([entry('r', i), entry('other', i)]));
			writes.push(b.append([entry('r', 100 + i)]));
			if (i % 10 === 0) await new Promise((r) => setImmediate(r));
		}
		const seqs = (await Promise.all(writes)).flatMap((s, i) => (i % 2 === 0 ? [s[0]!] : s));
		reading = false;
		await reader;
		expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
		expect((await historyOf(a, 'r')).map((u) => u.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
		// Every read saw a prefix 1..n: nothing committed past a number not yet committed.
		for (const s of seen) expect(s).toEqual(Array.from({ length: s.length }, (_, i) => i + 1));
		expect(await a.headOf('r')).toBe(120);
		await a.close();
		await b.close();
	});

	it('[pg-docs-2] runs migrations twice, and from two nodes at once, applying each once', async () => {
		const schema = freshSchemaName();
		try {
			const [one, two] = await Promise.all([
				openPgPool({ url: TEST_DATABASE_URL, schema, migrations: PG_MIGRATIONS, max: 2 }),
				openPgPool({ url: TEST_DATABASE_URL, schema, migrations: PG_MIGRATIONS, max: 2 })
			]);
			extraPools.push(one, two);
			const ids = await one.query<{ id: string }>('SELECT id FROM migrations ORDER BY id');
			expect(ids.rows.map((r) => r.id).sort()).toEqual(PG_MIGRATIONS.map((m) => m.id).sort());
			expect(await migratePg(one, PG_MIGRATIONS)).toEqual([]);
		} finally {
			for (const p of extraPools.splice(0)) await p.end();
			await dropSchema(schema);
		}
	});

	it('[pg-docs-3] writes client-id bindings in the log append’s transaction, and keeps them pending when it rolls back', async () => {
		const t = await openTestPool([...docLogPgMigrations, ...guardPgMigrations]);
		opened.push(t);
		const docs = new PgDocStore(t.pool);
		const owners = await PgClientOwnerStore.load(t.pool);
		docs.participate(owners);
		const stored = async (): Promise<number> =>
			(await t.pool.query<{ n: number }>('SELECT count(*) AS n FROM doc_client_owners')).rows[0]!.n;

		owners.bind('inc-1', [11, 12], 'u-a');
		expect(owners.pending).toBe(2);
		expect(await stored()).toBe(0); // nothing is written before the log append that carries the update
		// An append that fails (a NOT NULL column without a value) rolls the bindings back with it.
		const bad = { ...entry('inc-1', 1), update: null } as unknown as AppendEntry;
		await expect(docs.append([bad])).rejects.toThrow();
		expect(await stored()).toBe(0);
		expect(owners.pending).toBe(2);
		expect(await docs.append([entry('inc-1', 2)])).toEqual([1]);
		expect(await stored()).toBe(2);
		expect(owners.pending).toBe(0);
		// A store opened later (a restarted or another node) knows them.
		expect((await PgClientOwnerStore.load(t.pool)).ownersOf('inc-1')).toEqual(
			new Map([
				[11, 'u-a'],
				[12, 'u-a']
			])
		);
		await docs.close();
	});

	it('[pg-docs-4] fails an append with the database gone, is not ready, and recovers when it is back', async () => {
		const t = await openTestPool(docLogPgMigrations);
		opened.push(t);
		const docs = new PgDocStore(t.pool);
		expect(await docs.append([entry('d', 1)])).toEqual([1]);
		// Cut this store's connections from the server side, as a restarted database would.
		const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
		await admin.connect();
		// Only this test's connections: they carry its schema's name.
		const pids = await admin.query<{ pid: number }>(
			'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
			[t.schema]
		);
		expect(pids.rows.length).toBeGreaterThan(0);
		for (const { pid } of pids.rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
		await admin.end();
		// The pool's idle clients were cut: the next append may fail once, then the pool reconnects.
		let failed = false;
		try {
			await docs.append([entry('d', 2)]);
		} catch {
			failed = true;
			expect(docs.isReady()).toBe(false);
		}
		expect(await docs.append([entry('d', 3)])).toEqual([failed ? 2 : 3]);
		expect(docs.isReady()).toBe(true);
		await docs.close();
	});

	it('[pg-docs-5] writes an entry’s refusals in its append’s transaction, under its seq, rolled back with it, never dropped', async () => {
		const t = await openTestPool([...docLogPgMigrations, ...refusalPgMigrations]);
		opened.push(t);
		const bare = new PgDocStore(t.pool);
		const withRefusals = (room: string, ids: string[]): AppendEntry => ({
			...entry(room, 1),
			userId: 'u-field',
			refusals: ids.map((id) => ({
				id,
				collection: 'tasks',
				entityId: 't-1',
				field: 'status',
				op: 'update' as const,
				attempted: 'in_progress',
				reason: 'you may not change status of this task',
				deviceAt: 1_700_000_000_000
			}))
		});
		// A store with nowhere to record them refuses the entry rather than lose them.
		await expect(bare.append([withRefusals('inc-1', ['x'])])).rejects.toThrow(/refusals/);
		await bare.close();

		const docs = new PgDocStore(t.pool);
		docs.accompany(pgRefusalCompanion);
		const refusals = new PgRefusalStore(t.pool);
		expect(await docs.append([entry('inc-1', 1)])).toEqual([1]);
		expect(await docs.append([withRefusals('inc-1', ['a', 'b'])])).toEqual([2]);
		expect((await refusals.ofIncident('inc-1')).map((r) => [r.id, r.seq, r.userId, r.deviceAt])).toEqual([
			['a', 2, 'u-field', 1_700_000_000_000],
			['b', 2, 'u-field', 1_700_000_000_000]
		]);
		// A refusal id taken already fails the commit: the entry is not written either.
		await expect(docs.append([withRefusals('inc-1', ['c']), withRefusals('inc-1', ['a'])])).rejects.toThrow();
		expect((await refusals.ofIncident('inc-1')).map((r) => r.id)).toEqual(['a', 'b']);
		expect((await historyOf(docs, 'inc-1')).map((u) => u.seq)).toEqual([1, 2]);
		await docs.close();
	});
});
