import Database from 'better-sqlite3';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../server/store/sqlite/database.ts';
import { docLogMigrations } from '../../server/store/sqlite/doc-log.ts';
import {
	CommitFailedError,
	ThreadedSqliteDocStore,
	WriterFailedError
} from '../../server/store/sqlite/threaded-sqlite-doc-store.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeDocStoreContract } from './doc-store-contract.ts';
import { entry, openAt, storeOnTempSqlite } from './temp-sqlite.ts';

// A second table lets a test hold the write lock from the main connection without touching the log.
const migrations = [
	...docLogMigrations,
	{ id: 'test/001-other', sql: 'CREATE TABLE other (id INTEGER PRIMARY KEY, v TEXT)' }
];

describeDocStoreContract('ThreadedSqliteDocStore (writer thread, temp file)', async () =>
	storeOnTempSqlite('sitroom-threaded-', migrations, (db, file) => new ThreadedSqliteDocStore({ db, file }))
);

describe('ThreadedSqliteDocStore', () => {
	let dir: string;
	let db: SqliteDatabase;
	let store: ThreadedSqliteDocStore;
	afterEach(async () => {
		await store?.close();
		if (db?.open) db.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	function open(): string {
		dir = tempDataDir('sitroom-threaded-');
		const opened = openAt(dir, migrations);
		db = opened.db;
		store = new ThreadedSqliteDocStore({ db, file: opened.file });
		return opened.file;
	}

	it('commits appends made in one tick, from several rooms, as one group visible to other connections', async () => {
		const file = open();
		const calls = Array.from({ length: 300 }, (_, i) => store.append([entry(`room-${i % 3}`, i)]));
		const seqs = await Promise.all(calls);
		expect(store.commits).toBe(1);
		expect(seqs.filter((_, i) => i % 3 === 0).map((s) => s[0])).toEqual(
			Array.from({ length: 100 }, (_, k) => k + 1)
		);
		const reader = new Database(file, { readonly: true });
		expect((reader.prepare('SELECT COUNT(*) AS n FROM doc_updates').get() as { n: number }).n).toBe(300);
		reader.close();
	});

	it('gathers appends made while a group is committing into the next group', async () => {
		open();
		await store.append([entry('warm', 0)]); // the writer thread has started
		const before = store.commits;
		// The main connection holds the write lock, so the first group waits in the writer thread.
		db.exec('BEGIN IMMEDIATE');
		const first = store.append([entry('a', 1)]);
		const later: Array<Promise<number[]>> = [];
		for (let i = 0; i < 20; i++) {
			await new Promise((r) => setTimeout(r, 5));
			later.push(store.append([entry(`b-${i % 4}`, i)]));
		}
		db.exec('COMMIT');
		await first;
		await Promise.all(later);
		expect(store.commits - before).toBe(2);
		expect((await store.history('b-0')).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5]);
	});

	it('fails a whole group together, writes none of it, and keeps numbering without gaps', async () => {
		open();
		await store.append([entry('g', 1)]);
		db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON doc_updates WHEN NEW.data = x'03'
			BEGIN SELECT RAISE(ABORT, 'refused'); END`);
		const good = store.append([entry('g', 2)]);
		const failing = store.append([entry('g', 3)]);
		await expect(good).rejects.toBeInstanceOf(CommitFailedError);
		await expect(failing).rejects.toThrow('refused');
		expect((await store.history('g')).map((u) => u.seq)).toEqual([1]);
		expect(await store.append([entry('g', 4)])).toEqual([2]);
	});

	it('waits for, rather than fails on, another connection holding the write lock', async () => {
		open();
		db.exec('BEGIN IMMEDIATE');
		db.prepare("INSERT INTO other (v) VALUES ('held')").run();
		const appended = store.append([entry('w', 1)]);
		await new Promise((r) => setTimeout(r, 300));
		db.exec('COMMIT');
		expect(await appended).toEqual([1]);
	});

	it('rejects pending appends when the writer thread dies, never resolves them, and is not ready', async () => {
		open();
		await store.append([entry('x', 1)]);
		const pending = Array.from({ length: 10 }, (_, i) => store.append([entry('x', i)]));
		await store.worker.terminate();
		for (const p of pending) await expect(p).rejects.toBeInstanceOf(WriterFailedError);
		expect(store.isReady()).toBe(false);
		await expect(store.append([entry('x', 2)])).rejects.toBeInstanceOf(WriterFailedError);
		await expect(store.writeSnapshot('x', 1, new Uint8Array([1]))).rejects.toBeInstanceOf(WriterFailedError);
		await store.close();
	});

	it('continues sequence numbers from the file after reopening', async () => {
		const file = open();
		await store.append([entry('r', 1), entry('r', 2)]);
		await store.close();
		store = new ThreadedSqliteDocStore({ db, file });
		expect(await store.append([entry('r', 3)])).toEqual([3]);
	});
});
