import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppendEntry } from '../../server/store/doc-store.ts';
import { MemoryDocStore } from '../../server/store/memory-doc-store.ts';
import type { SqliteDatabase } from '../../server/store/sqlite/database.ts';
import { docStoreMigrations, SqliteDocStore } from '../../server/store/sqlite/sqlite-doc-store.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeDocStoreContract } from './doc-store-contract.ts';
import { entry, openAt, storeOnTempSqlite } from './temp-sqlite.ts';

const openSqlite = (dir: string): SqliteDatabase => openAt(dir, docStoreMigrations).db;

describeDocStoreContract('MemoryDocStore', async () => {
	const store = new MemoryDocStore();
	return { store, dispose: () => store.close() };
});

describeDocStoreContract('SqliteDocStore (temp file)', async () =>
	storeOnTempSqlite('sitroom-store-', docStoreMigrations, (db) => new SqliteDocStore(db))
);

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
		expect((await store.history('g')).map((u) => u.seq)).toEqual([1]);
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
