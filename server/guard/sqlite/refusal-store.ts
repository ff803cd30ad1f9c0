/**
 * The `doc_refusals` table: the embedded RefusalStore, and the document store's companion that
 * writes an update's refusals in the transaction that appends the update (refusalLogCompanion).
 */
import type { AppendEntry, EntryCompanion } from '../../store/doc-store.ts';
import type { Migration, SqliteDatabase } from '../../store/sqlite/database.ts';
import type { RefusalRecord, RefusalStore } from '../refusal-store.ts';

export const refusalMigrations: readonly Migration[] = [
	{
		id: 'refusals/001-doc-refusals',
		sql: `
			CREATE TABLE doc_refusals (
				rowid_ INTEGER PRIMARY KEY,
				id TEXT NOT NULL UNIQUE,
				room TEXT NOT NULL,
				seq INTEGER NOT NULL,
				at INTEGER NOT NULL,
				device_at INTEGER,
				user_id TEXT,
				org_id TEXT,
				collection TEXT NOT NULL,
				entity_id TEXT,
				field TEXT,
				op TEXT NOT NULL,
				attempted TEXT NOT NULL,
				reason TEXT NOT NULL
			);
			CREATE INDEX doc_refusals_room ON doc_refusals (room, seq);
		`
	}
];

const INSERT =
	'INSERT INTO doc_refusals (id, room, seq, at, device_at, user_id, org_id, collection, entity_id, field, op, attempted, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

interface Row {
	id: string;
	room: string;
	seq: number;
	at: number;
	device_at: number | null;
	user_id: string | null;
	org_id: string | null;
	collection: string;
	entity_id: string | null;
	field: string | null;
	op: RefusalRecord['op'];
	attempted: string;
	reason: string;
}

const toRecord = (r: Row): RefusalRecord => ({
	id: r.id,
	room: r.room,
	seq: r.seq,
	at: r.at,
	deviceAt: r.device_at,
	userId: r.user_id,
	orgId: r.org_id,
	collection: r.collection,
	entityId: r.entity_id,
	field: r.field,
	op: r.op,
	attempted: JSON.parse(r.attempted) as unknown,
	reason: r.reason
});

/** `attempted` as stored: JSON (undefined, which JSON lacks, as null). */
function attemptedJson(v: unknown): string {
	return JSON.stringify(v ?? null);
}

/**
 * For the document store (SqliteDocStoreOptions.companions): writes an entry's refusals on the
 * log's own connection, inside the transaction that appends the entry.
 */
export function refusalLogCompanion(db: SqliteDatabase): EntryCompanion {
	const insert = db.prepare(INSERT);
	return (e: AppendEntry, seq: number) => {
		if (e.refusals === undefined) return;
		for (const r of e.refusals) {
			insert.run(
				r.id,
				e.room,
				seq,
				e.at,
				r.deviceAt ?? null,
				e.userId,
				e.orgId,
				r.collection,
				r.entityId,
				r.field,
				r.op,
				attemptedJson(r.attempted),
				r.reason
			);
		}
	};
}

export class SqliteRefusalStore implements RefusalStore {
	readonly #insertAll;
	readonly #ofRoom;
	readonly #ofUser;
	readonly #byId;

	constructor(db: SqliteDatabase) {
		const insert = db.prepare(INSERT);
		this.#insertAll = db.transaction((rows: readonly RefusalRecord[]) => {
			for (const r of rows) {
				insert.run(
					r.id,
					r.room,
					r.seq,
					r.at,
					r.deviceAt,
					r.userId,
					r.orgId,
					r.collection,
					r.entityId,
					r.field,
					r.op,
					attemptedJson(r.attempted),
					r.reason
				);
			}
		});
		this.#ofRoom = db.prepare(
			'SELECT * FROM doc_refusals WHERE room = ? ORDER BY seq, rowid_ LIMIT ? OFFSET ?'
		);
		this.#ofUser = db.prepare(
			'SELECT * FROM doc_refusals WHERE room = ? AND user_id = ? ORDER BY seq, rowid_ LIMIT ? OFFSET ?'
		);
		this.#byId = db.prepare('SELECT * FROM doc_refusals WHERE id = ?');
	}

	async record(rows: readonly RefusalRecord[]): Promise<void> {
		if (rows.length > 0) this.#insertAll(rows);
	}

	async ofIncident(
		room: string,
		opts: { userId?: string; limit?: number; offset?: number } = {}
	): Promise<RefusalRecord[]> {
		const limit = opts.limit ?? 1000;
		const offset = opts.offset ?? 0;
		const rows = (
			opts.userId === undefined
				? this.#ofRoom.all(room, limit, offset)
				: this.#ofUser.all(room, opts.userId, limit, offset)
		) as Row[];
		return rows.map(toRecord);
	}

	async byId(id: string): Promise<RefusalRecord | null> {
		const row = this.#byId.get(id) as Row | undefined;
		return row ? toRecord(row) : null;
	}

	close(): void {}
}
