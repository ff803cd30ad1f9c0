import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppendEntry } from '../../server/store/doc-store.ts';
import { MemoryDocStore } from '../../server/store/memory-doc-store.ts';
import type { SqliteDatabase } from '../../server/store/sqlite/database.ts';
import { docLogMigrations } from '../../server/store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../../server/store/sqlite/sqlite-doc-store.ts';
import { historyOf } from '../helpers/history.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeDocStoreContract } from './doc-store-contract.ts';
import { entry, openAt, storeOnTempSqlite } from './temp-sqlite.ts';

const openSqlite = (dir: string): SqliteDatabase => openAt(dir, docLogMigrations).db;

describeDocStoreContract('MemoryDocStore', async () => {
	const store = new MemoryDocStore();
	return { store, dispose: () => store.close() };
});

describeDocStoreContract('SqliteDocStore (temp file)', async () =>
	storeOnTempSqlite('sitroom-store-', docLogMigrations, (db) => new SqliteDocStore(db))
);

describeDocStoreContract('SqliteDocStore with its own connection and off-thread WAL fsync', async () =>
	storeOnTempSqlite('sitroom-walsync-', docLogMigrations, (db, file) => new SqliteDocStore(db, { file }))
);

describe('SqliteDocStore with off-thread WAL fsync', () => {
	let dir: string;
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('resolves appends only after an fsync of the log, and shares one fsync among appends made during another', async () => {
		dir = tempDataDir('sitroom-walsync-');
		const { db, file } = openAt(dir, docLogMigrations);
		const store = new SqliteDocStore(db, { file });
		const first = store.append([entry('w', 1)]);
		await new Promise((r) => setImmediate(r)); // the first group is written; its fsync runs
		const later = Array.from({ length: 20 }, (_, i) => store.append([entry('w', i + 2)]));
		expect(await first).toEqual([1]);
		expect(store.walFlushes).toBe(1);
		expect((await Promise.all(later)).flat()).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
		// The twenty appends made while the first fsync ran were written as one group, one fsync.
		expect(store.commits).toBe(2);
		expect(store.walFlushes).toBe(2);
		// The writes went into the log file itself, which the fsync flushed.
		expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
		await store.close();
		expect((await historyOf(new SqliteDocStore(db), 'w')).map((u) => u.seq)).toHaveLength(21);
		db.close();
	});

	it('shows writes at once and puts them on disk together, at most once per sync interval', async () => {
		dir = tempDataDir('sitroom-walsync-');
		const { db, file } = openAt(dir, docLogMigrations);
		const store = new SqliteDocStore(db, { file, syncIntervalMs: 400 });
		// The first write after a quiet spell is flushed at once.
		const first = await store.write([entry('p', 1)]);
		await first.onDisk;
		expect(store.walFlushes).toBe(1);
		// Writes within the interval: each is written (numbered, readable) at once…
		let onDisk = 0;
		const writes = [];
		for (let i = 2; i <= 6; i++) {
			const w = await store.write([entry('p', i)]);
			expect(w.seqs).toEqual([i]);
			void w.onDisk.then(() => onDisk++);
			writes.push(w);
			await new Promise((r) => setTimeout(r, 20));
		}
		expect((await historyOf(store, 'p')).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6]);
		// …but none is on disk until the interval since the first flush has passed.
		expect(onDisk).toBe(0);
		expect(store.walFlushes).toBe(1);
		await Promise.all(writes.map((w) => w.onDisk));
		// One flush for all five.
		expect(store.walFlushes).toBe(2);
		expect(onDisk).toBe(5);
		// close() flushes what waits without waiting out the interval.
		const last = await store.write([entry('p', 7)]);
		const t0 = performance.now();
		await store.close();
		await last.onDisk;
		expect(performance.now() - t0).toBeLessThan(300);
		expect(store.walFlushes).toBe(3);
		db.close();
	});

	it('fails appends, and is no longer ready, when the log cannot be flushed', async () => {
		dir = tempDataDir('sitroom-walsync-');
		const { db, file } = openAt(dir, docLogMigrations);
		const store = new SqliteDocStore(db, { file });
		// The log vanishes from under the store before its first flush, as a failing disk might
		// lose it: the flush cannot open it, and nothing written since may be called durable.
		fs.rmSync(`${file}-wal`);
		await expect(store.append([entry('x', 1)])).rejects.toThrow(/could not flush the write-ahead log/);
		expect(store.isReady()).toBe(false);
		await expect(store.append([entry('x', 2)])).rejects.toThrow(/could not flush/);
		await store.close();
		db.close();
	});
});

describe('SqliteDocStore group commit', () => {
	let dir: string;
	let db: SqliteDatabase;
	afterEach(() => {
		if (db?.open) db.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	/** The store's database, with the number of transactions it opens counted. */
	function countingStore(): { store: SqliteDocStore; transactions: () => number } {
		dir = tempDataDir('sitroom-group-');
		db = openSqlite(dir);
		let count = 0;
		const counted = new Proxy(db, {
			get(target, prop) {
				if (prop === 'transaction') {
					return (fn: (...args: unknown[]) => unknown) => {
						const tx = target.transaction(fn);
						return (...args: unknown[]) => {
							count++;
							return tx(...args);
						};
					};
				}
				const value: unknown = Reflect.get(target, prop, target);
				return typeof value === 'function' ? value.bind(target) : value;
			}
		});
		return { store: new SqliteDocStore(counted), transactions: () => count };
	}

	it('writes many appends made in one tick, from several rooms, in one transaction', async () => {
		const { store, transactions } = countingStore();
		const calls = Array.from({ length: 300 }, (_, i) => store.append([entry(`room-${i % 3}`, i)]));
		expect(transactions()).toBe(0); // nothing is written synchronously
		const seqs = await Promise.all(calls);
		expect(transactions()).toBe(1);
		expect(seqs.filter((_, i) => i % 3 === 0).map((s) => s[0])).toEqual(
			Array.from({ length: 100 }, (_, k) => k + 1)
		);

		// Another connection sees all 300 rows: the batch is committed, not merely queued.
		const reader = new Database(path.join(dir, 'sitroom.db'), { readonly: true });
		expect((reader.prepare('SELECT COUNT(*) AS n FROM doc_updates').get() as { n: number }).n).toBe(300);
		reader.close();

		// Appends awaited one by one cannot share a commit.
		for (let i = 0; i < 5; i++) await store.append([entry('room-0', i)]);
		expect(transactions()).toBe(6);
		await store.close();
	});

	it('fails a whole group together, writes none of it, and keeps numbering without gaps', async () => {
		const { store, transactions } = countingStore();
		await store.append([entry('g', 1)]);
		// A row that violates NOT NULL makes the group's one transaction roll back.
		const bad = { ...entry('g', 3), update: null } as unknown as AppendEntry;
		const good = store.append([entry('g', 2)]);
		const failing = store.append([bad]);
		await expect(good).rejects.toThrow();
		await expect(failing).rejects.toThrow();
		expect(transactions()).toBe(2);
		expect((await historyOf(store, 'g')).map((u) => u.seq)).toEqual([1]);
		expect(await store.append([entry('g', 4)])).toEqual([2]);
		await store.close();
	});

	it('continues sequence numbers from the file after reopening', async () => {
		dir = tempDataDir('sitroom-reopen-');
		db = openSqlite(dir);
		let store = new SqliteDocStore(db);
		await store.append([entry('r', 1), entry('r', 2)]);
		await store.close();
		db.close();
		db = openSqlite(dir);
		store = new SqliteDocStore(db);
		expect(await store.append([entry('r', 3)])).toEqual([3]);
		await store.close();
	});
});
