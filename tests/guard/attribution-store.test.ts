/**
 * The attribution store writes what it is given before returning (nothing waits in a buffer for
 * a timer a killed process never reaches), and the guard logs a failed write with the server's
 * logger instead of throwing out of onCommitted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
	attributionMigrations,
	SqliteAttributionStore,
	type AttributionStore,
	type ChangeRow
} from '../../server/guard/attribution-store.ts';
import { clientOwnerMigrations, SqliteClientOwnerStore } from '../../server/guard/client-owners.ts';
import { createGuard, GuardVerdict } from '../../server/guard/guard.ts';
import type { CommittedUpdate } from '../../server/rooms/hooks.ts';
import { openConnection, openDatabase } from '../../server/store/sqlite/database.ts';
import { tempDataDir } from '../helpers/server.ts';
import { orgs } from './fixtures.ts';

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

	it('has committed the rows when record returns, on a connection of its own', () => {
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
			store.record([row(1, 't1'), row(1, 't2')]);
			expect(count()).toBe(2);
			store.record([row(2, 't1')]);
			expect(count()).toBe(3);
			expect(store.changesOf('inc-1', 'tasks', 't1').map((c) => c.seq)).toEqual([2, 1]);
			expect(store.attribution('inc-1')).toHaveLength(2);
		} finally {
			other.close();
			store.close();
			db.close();
		}
	});

	it('uses the given connection for an in-memory database', () => {
		const db = openDatabase({ file: ':memory:', migrations: attributionMigrations });
		const store = new SqliteAttributionStore(db, { file: ':memory:' });
		store.record([row(1, 't1')]);
		expect((db.prepare('SELECT COUNT(*) AS n FROM doc_changes').get() as { n: number }).n).toBe(1);
		store.close();
		expect(db.open).toBe(true);
		db.close();
	});
});

describe('the guard’s onCommitted', () => {
	it('logs a failed attribution write with the room and seqs, and does not throw', () => {
		const lines: Array<Record<string, unknown>> = [];
		const sink = new Writable({
			write(chunk: Buffer, _enc, done) {
				lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
				done();
			}
		});
		const failing: AttributionStore = {
			record() {
				throw new Error('disk I/O error');
			},
			changesOf: () => [],
			attribution: () => [],
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
		const update = (seq: number): CommittedUpdate => ({
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
		const verdict = new GuardVerdict([{ collection: 'tasks', entityId: 't1', field: 'title', op: 'update' }]);
		expect(() =>
			guard.onCommitted!({
				room: { name: 'inc-1', doc: new Y.Doc() },
				updates: [update(7), update(8)],
				resultOf: () => verdict
			})
		).not.toThrow();
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
