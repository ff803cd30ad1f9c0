/**
 * The SQLite attribution store passes the AttributionStore contract (with a connection of its
 * own, as the server runs it, and on an in-memory database), writes what it is given before its
 * promise settles (nothing waits in a buffer for a timer a killed process never reaches), and the
 * guard logs a failed write with the server's logger instead of rejecting out of onCommitted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttributionStore, ChangeRow } from '../../server/guard/attribution-store.ts';
import { createGuard, GuardVerdict } from '../../server/guard/guard.ts';
import {
	attributionMigrations,
	SqliteAttributionStore
} from '../../server/guard/sqlite/attribution-store.ts';
import { clientOwnerMigrations, SqliteClientOwnerStore } from '../../server/guard/sqlite/client-owners.ts';
import type { CommittedUpdate } from '../../server/rooms/hooks.ts';
import { openConnection, openDatabase } from '../../server/store/sqlite/database.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeAttributionStoreContract } from './attribution-store-contract.ts';
import { orgs } from './fixtures.ts';

describeAttributionStoreContract('SqliteAttributionStore on a connection of its own', async () => {
	const dir = tempDataDir('sitroom-attr-');
	const file = path.join(dir, 'sitroom.db');
	const db = openDatabase({ file, migrations: attributionMigrations });
	const store = new SqliteAttributionStore(db, { file });
	return {
		store,
		async dispose() {
			store.close();
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
});

describeAttributionStoreContract('SqliteAttributionStore on an in-memory database', async () => {
	const db = openDatabase({ file: ':memory:', migrations: attributionMigrations });
	const store = new SqliteAttributionStore(db, { file: ':memory:' });
	return {
		store,
		async dispose() {
			store.close();
			db.close();
		}
	};
});

const row = (seq: number, entityId: string): ChangeRow => ({
	room: 'inc-1',
	seq,
	at: 1_700_000_000_000 + seq,
	userId: 'u-1',
	orgId: 'org-1',
	collection: 'tasks',
	entityId,
	field: 'title',
	op: 'update'
});

describe('SqliteAttributionStore', () => {
	const dirs: string[] = [];
	afterEach(() => {
		for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
	});

	it('has committed the rows when record resolves, on a connection of its own', async () => {
		const dir = tempDataDir('sitroom-attr-');
		dirs.push(dir);
		const file = path.join(dir, 'sitroom.db');
		const db = openDatabase({ file, migrations: attributionMigrations });
		const store = new SqliteAttributionStore(db, { file });
		// Another connection to the file, as a restarted process would see it.
		const other = openConnection(file);
		const count = (): number =>
			(other.prepare('SELECT COUNT(*) AS n FROM doc_changes').get() as { n: number }).n;
		try {
			await store.record([row(1, 't1'), row(1, 't2')]);
			expect(count()).toBe(2);
			await store.record([row(2, 't1')]);
			expect(count()).toBe(3);
			expect((await store.changesOf('inc-1', 'tasks', 't1')).map((c) => c.seq)).toEqual([2, 1]);
			expect(await store.attribution('inc-1')).toHaveLength(2);
		} finally {
			other.close();
			store.close();
			db.close();
		}
	});

	it('uses the given connection for an in-memory database', async () => {
		const db = openDatabase({ file: ':memory:', migrations: attributionMigrations });
		const store = new SqliteAttributionStore(db, { file: ':memory:' });
		await store.record([row(1, 't1')]);
		expect((db.prepare('SELECT COUNT(*) AS n FROM doc_changes').get() as { n: number }).n).toBe(1);
		store.close();
		expect(db.open).toBe(true);
		db.close();
	});
});

/** A committed update of `inc-1`, made by the server for u-1. */
const committed = (seq: number): CommittedUpdate => ({
	room: 'inc-1',
	seq,
	at: 1_700_000_000_000,
	update: new Uint8Array(),
	size: 0,
	userId: 'u-1',
	orgId: 'org-1',
	connectionId: 'c-1',
	origin: { kind: 'server', actingFor: { userId: 'u-1', orgId: 'org-1' } }
});
const titleChange = new GuardVerdict([{ collection: 'tasks', entityId: 't1', field: 'title', op: 'update' }]);

describe('the guard’s onCommitted', () => {
	it('resolves only once the attribution rows are written, so the room tells no one before', async () => {
		const db = openDatabase({
			file: ':memory:',
			migrations: [...attributionMigrations, ...clientOwnerMigrations]
		});
		const sqlite = new SqliteAttributionStore(db);
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		// The SQLite store, its write held back as a busy database server would hold it.
		const slow: AttributionStore = {
			record: async (rows) => {
				await held;
				await sqlite.record(rows);
			},
			changesOf: (room, collection, entityId, limit) => sqlite.changesOf(room, collection, entityId, limit),
			attribution: (room) => sqlite.attribution(room),
			close: () => sqlite.close()
		};
		const guard = createGuard({
			orgs,
			attribution: slow,
			clientOwners: new SqliteClientOwnerStore(db),
			log: pino({ level: 'silent' })
		});
		let done = false;
		const pending = Promise.resolve(
			guard.onCommitted!({
				room: { name: 'inc-1', doc: new Y.Doc() },
				updates: [committed(7), committed(8)],
				resultOf: () => titleChange
			})
		).then(() => (done = true));
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(done).toBe(false);
		release();
		await pending;
		expect((await sqlite.changesOf('inc-1', 'tasks', 't1')).map((c) => c.seq)).toEqual([8, 7]);
		db.close();
	});

	it('logs a failed attribution write with the room and seqs, and does not reject', async () => {
		const lines: Array<Record<string, unknown>> = [];
		const sink = new Writable({
			write(chunk: Buffer, _enc, done) {
				lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
				done();
			}
		});
		const failing: AttributionStore = {
			record: () => Promise.reject(new Error('disk I/O error')),
			changesOf: async () => [],
			attribution: async () => [],
			close() {}
		};
		const guard = createGuard({
			orgs,
			attribution: failing,
			clientOwners: new SqliteClientOwnerStore(
				openDatabase({ file: ':memory:', migrations: clientOwnerMigrations })
			),
			log: pino({ level: 'info' }, sink)
		});
		await expect(
			guard.onCommitted!({
				room: { name: 'inc-1', doc: new Y.Doc() },
				updates: [committed(7), committed(8)],
				resultOf: () => titleChange
			})
		).resolves.toBeUndefined();
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatchObject({
			level: 50,
			room: 'inc-1',
			seqs: [7, 8],
			rows: 2,
			err: { message: 'disk I/O error' },
			msg: 'attribution rows could not be recorded'
		});
	});
});
