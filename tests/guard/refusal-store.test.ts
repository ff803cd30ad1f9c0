/**
 * The SQLite refusal store passes the RefusalStore contract, and the document store writes an
 * update's refusals in the transaction that appends the update (refusalLogCompanion): a commit
 * that fails leaves neither, and an entry with refusals is never written without a place for them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	refusalLogCompanion,
	refusalMigrations,
	SqliteRefusalStore
} from '../../server/guard/sqlite/refusal-store.ts';
import { MemoryDocStore } from '../../server/store/memory-doc-store.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { docLogMigrations } from '../../server/store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../../server/store/sqlite/sqlite-doc-store.ts';
import type { AppendEntry } from '../../server/store/doc-store.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeRefusalStoreContract, refusal } from './refusal-store-contract.ts';

describeRefusalStoreContract('SqliteRefusalStore on an in-memory database', async () => {
	const db = openDatabase({ file: ':memory:', migrations: refusalMigrations });
	const store = new SqliteRefusalStore(db);
	return {
		store,
		async dispose() {
			store.close();
			db.close();
		}
	};
});

function entryWith(room: string, ids: string[]): AppendEntry {
	const { room: _room, seq: _seq, at: _at, userId: _u, orgId: _o, ...change } = refusal(1);
	return {
		room,
		update: new Uint8Array([0, 0]),
		at: 1_700_000_000_000,
		userId: 'u-field',
		orgId: 'team-a',
		connectionId: 'c-1',
		refusals: ids.map((id) => ({ ...change, id }))
	};
}

describe('refusals written with the update log', () => {
	it('are in the transaction of their entry, under its seq, and roll back with it', async () => {
		const dir = tempDataDir('sitroom-refusals-');
		const file = path.join(dir, 'sitroom.db');
		const db = openDatabase({ file, migrations: [...docLogMigrations, ...refusalMigrations] });
		const docs = new SqliteDocStore(db, { file, companions: [refusalLogCompanion] });
		const refusals = new SqliteRefusalStore(db);
		try {
			await docs.append([entryWith('inc-1', [])]);
			const [seq] = await docs.append([entryWith('inc-1', ['a', 'b'])]);
			expect(seq).toBe(2);
			expect((await refusals.ofIncident('inc-1')).map((r) => [r.id, r.seq, r.userId])).toEqual([
				['a', 2, 'u-field'],
				['b', 2, 'u-field']
			]);
			// A refusal id taken already fails the commit: the entry is not written either.
			await expect(docs.append([entryWith('inc-1', ['c']), entryWith('inc-1', ['a'])])).rejects.toThrow();
			expect((await refusals.ofIncident('inc-1')).map((r) => r.id)).toEqual(['a', 'b']);
			const seqs: number[] = [];
			for await (const u of docs.history('inc-1')) seqs.push(u.seq);
			expect(seqs).toEqual([1, 2]);
		} finally {
			await docs.close();
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('are never dropped: a store with nowhere to record them refuses the entry', async () => {
		const db = openDatabase({ file: ':memory:', migrations: docLogMigrations });
		const docs = new SqliteDocStore(db);
		try {
			await expect(docs.append([entryWith('inc-1', ['a'])])).rejects.toThrow(/refusals/);
			await expect(new MemoryDocStore().append([entryWith('inc-1', ['a'])])).rejects.toThrow(/refusals/);
		} finally {
			await docs.close();
			db.close();
		}
	});
});
