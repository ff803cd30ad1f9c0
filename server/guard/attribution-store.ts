/**
 * Attribution: who changed which entity and field of an incident, and when, as the server saw
 * it. Rows are derived from accepted updates by the guard (never from anything a client says)
 * and keyed to the update log's sequence number, so each row can be traced to its update.
 *
 * The SQLite store buffers rows and writes them in one transaction every `flushMs`, off the
 * room's commit path: the update log (doc_updates, with user and org) is the durable record;
 * this table is an index over it for the audit view. Reads flush first, so they always see
 * every accepted change.
 */
import type { Migration, SqliteDatabase } from '../store/sqlite/database.ts';
import type { ChangeOp } from './evaluate.ts';

export interface ChangeRow {
	room: string;
	seq: number;
	at: number;
	userId: string | null;
	orgId: string | null;
	collection: string;
	entityId: string | null;
	field: string | null;
	op: ChangeOp;
}

export interface EntityAttribution {
	collection: string;
	entityId: string | null;
	createdBy: string | null;
	createdAt: number | null;
	lastChangedBy: string | null;
	lastChangedAt: number;
}

export interface AttributionStore {
	record(rows: readonly ChangeRow[]): void;
	/** Every change to one entity (or, with entityId null, to the incident's own fields), newest first. */
	changesOf(room: string, collection: string, entityId: string | null, limit?: number): ChangeRow[];
	/** Per entity of a room: who created it and who changed it last. */
	attribution(room: string): EntityAttribution[];
	close(): void;
}

export const attributionMigrations: readonly Migration[] = [
	{
		id: 'guard/001-doc-changes',
		sql: `
			CREATE TABLE doc_changes (
				id INTEGER PRIMARY KEY,
				room TEXT NOT NULL,
				seq INTEGER NOT NULL,
				at INTEGER NOT NULL,
				user_id TEXT,
				org_id TEXT,
				collection TEXT NOT NULL,
				entity_id TEXT,
				field TEXT,
				op TEXT NOT NULL
			);
			CREATE INDEX doc_changes_entity ON doc_changes (room, collection, entity_id, seq);
		`
	}
];

interface Row {
	room: string;
	seq: number;
	at: number;
	user_id: string | null;
	org_id: string | null;
	collection: string;
	entity_id: string | null;
	field: string | null;
	op: ChangeOp;
}

const toChange = (r: Row): ChangeRow => ({
	room: r.room,
	seq: r.seq,
	at: r.at,
	userId: r.user_id,
	orgId: r.org_id,
	collection: r.collection,
	entityId: r.entity_id,
	field: r.field,
	op: r.op
});

export class SqliteAttributionStore implements AttributionStore {
	#pending: ChangeRow[] = [];
	#timer: NodeJS.Timeout | null = null;
	readonly #insertAll;
	readonly #ofEntity;
	readonly #ofIncident;
	readonly #summary;

	constructor(
		db: SqliteDatabase,
		private readonly flushMs = 100
	) {
		const insert = db.prepare(
			'INSERT INTO doc_changes (room, seq, at, user_id, org_id, collection, entity_id, field, op) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
		);
		// Wrapped once here, not on every flush.
		this.#insertAll = db.transaction((rows: readonly ChangeRow[]) => {
			for (const r of rows) {
				insert.run(r.room, r.seq, r.at, r.userId, r.orgId, r.collection, r.entityId, r.field, r.op);
			}
		});
		this.#ofEntity = db.prepare(
			'SELECT * FROM doc_changes WHERE room = ? AND collection = ? AND entity_id = ? ORDER BY seq DESC, id DESC LIMIT ?'
		);
		this.#ofIncident = db.prepare(
			'SELECT * FROM doc_changes WHERE room = ? AND collection = ? AND entity_id IS NULL ORDER BY seq DESC, id DESC LIMIT ?'
		);
		// Per entity: the first 'create' row and the newest row of any kind.
		this.#summary = db.prepare(`
			SELECT c.collection, c.entity_id,
				cr.user_id AS created_by, cr.at AS created_at,
				c.user_id AS last_by, c.at AS last_at
			FROM doc_changes c
			JOIN (SELECT MAX(id) AS id FROM doc_changes WHERE room = ? AND entity_id IS NOT NULL GROUP BY collection, entity_id) latest
				ON latest.id = c.id
			LEFT JOIN (
				SELECT collection, entity_id, user_id, at, MIN(id) FROM doc_changes
				WHERE room = ? AND op = 'create' AND field IS NULL GROUP BY collection, entity_id
			) cr ON cr.collection = c.collection AND cr.entity_id = c.entity_id
			ORDER BY c.collection, c.entity_id
		`);
	}

	record(rows: readonly ChangeRow[]): void {
		if (rows.length === 0) return;
		for (const r of rows) this.#pending.push(r);
		if (!this.#timer) {
			this.#timer = setTimeout(() => this.flush(), this.flushMs);
			this.#timer.unref();
		}
	}

	flush(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		const rows = this.#pending;
		if (rows.length === 0) return;
		this.#pending = [];
		this.#insertAll(rows);
	}

	changesOf(room: string, collection: string, entityId: string | null, limit = 1000): ChangeRow[] {
		this.flush();
		const rows = (
			entityId === null
				? this.#ofIncident.all(room, collection, limit)
				: this.#ofEntity.all(room, collection, entityId, limit)
		) as Row[];
		return rows.map(toChange);
	}

	attribution(room: string): EntityAttribution[] {
		this.flush();
		const rows = this.#summary.all(room, room) as Array<{
			collection: string;
			entity_id: string;
			created_by: string | null;
			created_at: number | null;
			last_by: string | null;
			last_at: number;
		}>;
		return rows.map((r) => ({
			collection: r.collection,
			entityId: r.entity_id,
			createdBy: r.created_by,
			createdAt: r.created_at,
			lastChangedBy: r.last_by,
			lastChangedAt: r.last_at
		}));
	}

	close(): void {
		this.flush();
	}
}
