/**
 * The document log's deferred index (doc-log.ts): entries are indexed in rounds, reads combine
 * the index and the unindexed tail, and databases made before it are migrated with nothing lost.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../server/store/sqlite/database.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { docLogMigrations, DocLogReader, DocLogWriter } from '../../server/store/sqlite/doc-log.ts';
import { tempDataDir } from '../helpers/server.ts';
import { entry, openAt } from './temp-sqlite.ts';

const indexedTo = (db: SqliteDatabase): number =>
	(db.prepare('SELECT indexed_to AS n FROM doc_update_index_state').get() as { n: number }).n;
const indexRows = (db: SqliteDatabase): number =>
	(db.prepare('SELECT COUNT(*) AS n FROM doc_update_index').get() as { n: number }).n;
const seqsOf = (reader: DocLogReader, room: string): number[] =>
	reader.page(room, 0, 1e9, 1e9).map((u) => u.seq);
/** The one-byte payloads of a room's log, in order. */
const bytesOf = (reader: DocLogReader, room: string): number[] =>
	reader.page(room, 0, 1e9, 1e9).map((u) => u.update[0]!);

describe('document log with a deferred index', () => {
	let dir: string;
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('indexes entries in rounds, and reads the index and the unindexed tail as one log', () => {
		dir = tempDataDir('sitroom-doclog-');
		const { db } = openAt(dir, docLogMigrations);
		const writer = new DocLogWriter(db, false, 5);
		const reader = new DocLogReader(db);
		// Three rooms written in turns, two entries a commit: rounds at 6 and 12 entries.
		let n = 0;
		for (let c = 0; c < 7; c++) {
			const room = ['a', 'b', 'c'][c % 3]!;
			writer.commit([entry(room, n++), entry(room, n++)]);
			if (c === 1) expect(indexRows(db)).toBe(0); // 4 entries: not yet a round
			if (c === 2) expect(indexRows(db)).toBe(6); // 6 ≥ 5: this commit indexed all six
		}
		expect(indexRows(db)).toBe(12);
		expect(indexedTo(db)).toBe(12);
		// a: commits 0, 3, 6 (the last one in the tail); b: 1, 4; c: 2, 5.
		expect(seqsOf(reader, 'a')).toEqual([1, 2, 3, 4, 5, 6]);
		expect(bytesOf(reader, 'a')).toEqual([0, 1, 6, 7, 12, 13]);
		expect(bytesOf(reader, 'b')).toEqual([2, 3, 8, 9]);
		// Ranges and pages cross the boundary between index and tail.
		expect(reader.page('a', 3, 5, 1e9).map((u) => u.seq)).toEqual([4, 5]);
		expect(reader.page('a', 3, 1e9, 2).map((u) => u.seq)).toEqual([4, 5]);
		expect(reader.page('a', 0, 1e9, 4).map((u) => u.seq)).toEqual([1, 2, 3, 4]);
		expect(reader.load('a').updates.map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6]);
		db.close();
	});

	it('after reopening, numbers on from the tail and counts it towards the next round', () => {
		dir = tempDataDir('sitroom-doclog-');
		const first = openAt(dir, docLogMigrations);
		const w1 = new DocLogWriter(first.db, false, 4);
		expect(w1.commit([entry('r', 1), entry('r', 2), entry('r', 3)])).toEqual([1, 2, 3]);
		expect(indexRows(first.db)).toBe(0);
		first.db.close();

		const again = openAt(dir, docLogMigrations);
		const w2 = new DocLogWriter(again.db, false, 4);
		// The room's last number comes from the tail (nothing indexed yet), and the three entries
		// already there count: the fourth makes a round.
		expect(w2.commit([entry('r', 4)])).toEqual([4]);
		expect(indexRows(again.db)).toBe(4);
		expect(w2.commit([entry('r', 5)])).toEqual([5]);
		again.db.close();

		const third = openAt(dir, docLogMigrations);
		// Now from the index and a tail of one.
		expect(new DocLogWriter(third.db, false, 4).commit([entry('r', 6)])).toEqual([6]);
		expect(bytesOf(new DocLogReader(third.db), 'r')).toEqual([1, 2, 3, 4, 5, 6]);
		third.db.close();
	});

	it('rolls a failed round back with its commit, and indexes everything with the next one', () => {
		dir = tempDataDir('sitroom-doclog-');
		const { db } = openAt(dir, docLogMigrations);
		const writer = new DocLogWriter(db, false, 3);
		writer.commit([entry('x', 1), entry('x', 2)]);
		db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON doc_update_index
			BEGIN SELECT RAISE(ABORT, 'index refused'); END`);
		// The third entry makes a round, which fails: the entry is not written either.
		expect(() => writer.commit([entry('x', 3)])).toThrow(/index refused/);
		expect(indexRows(db)).toBe(0);
		expect(bytesOf(new DocLogReader(db), 'x')).toEqual([1, 2]);
		db.exec('DROP TRIGGER refuse');
		expect(writer.commit([entry('x', 4)])).toEqual([3]);
		expect(indexRows(db)).toBe(3);
		expect(indexedTo(db)).toBe(3);
		expect(bytesOf(new DocLogReader(db), 'x')).toEqual([1, 2, 4]);
		db.close();
	});

	it('migrates a log written before the deferred index, keeping every entry and its id', () => {
		dir = tempDataDir('sitroom-doclog-');
		const file = `${dir}/sitroom.db`;
		const old = openDatabase({ file, migrations: docLogMigrations.slice(0, 2) });
		const insert = old.prepare(
			'INSERT INTO doc_updates (room, seq, at, user_id, org_id, connection_id, size, data) VALUES (?, ?, ?, ?, ?, ?, 1, ?)'
		);
		for (let i = 1; i <= 30; i++)
			insert.run(i % 2 ? 'odd' : 'even', Math.ceil(i / 2), i, 'u', 'o', 'c', Buffer.from([i]));
		old.close();

		const db = openDatabase({ file, migrations: docLogMigrations });
		// Everything is indexed, nothing is tail; the old UNIQUE index is gone with the old table.
		expect(indexRows(db)).toBe(30);
		expect(indexedTo(db)).toBe(30);
		const indexes = db
			.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'doc_updates'")
			.all();
		expect(indexes).toEqual([]);
		const reader = new DocLogReader(db);
		const odd = reader.page('odd', 0, 1e9, 1e9);
		expect(odd.map((u) => u.update[0])).toEqual(Array.from({ length: 15 }, (_, i) => 2 * i + 1));
		expect(odd[0]).toMatchObject({
			room: 'odd',
			seq: 1,
			at: 1,
			userId: 'u',
			orgId: 'o',
			connectionId: 'c',
			size: 1
		});
		expect(new DocLogWriter(db, false).commit([entry('even', 99)])).toEqual([16]);
		expect((db.prepare('SELECT MAX(id) AS id FROM doc_updates').get() as { id: number }).id).toBe(31);
		db.close();
	});
});
