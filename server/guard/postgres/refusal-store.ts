/**
 * The `doc_refusals` table in PostgreSQL: the RefusalStore, and the document store's companion
 * that writes an update's refusals in the transaction that appends the update (as
 * ../sqlite/refusal-store.ts does for SQLite), so an update is never stored without its refusals.
 */
import type { AppendEntry } from '../../store/doc-store.ts';
import type { PgClient, PgMigration, PgPool } from '../../store/postgres/database.ts';
import type { PgEntryCompanion } from '../../store/postgres/pg-doc-store.ts';
import type { RefusalRecord, RefusalStore } from '../refusal-store.ts';

export const refusalPgMigrations: readonly PgMigration[] = [
	{
		id: 'guard/003-doc-refusals',
		sql: `
			CREATE TABLE doc_refusals (
				n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				id TEXT COLLATE "C" NOT NULL UNIQUE,
				room TEXT COLLATE "C" NOT NULL,
				seq BIGINT NOT NULL,
				at BIGINT NOT NULL,
				device_at BIGINT,
				user_id TEXT,
				org_id TEXT,
				collection TEXT NOT NULL,
				entity_id TEXT,
				field TEXT,
				op TEXT NOT NULL,
				attempted JSONB NOT NULL,
				reason TEXT NOT NULL
			);
			CREATE INDEX doc_refusals_room ON doc_refusals (room, seq);
		`
	}
];

interface Row {
	id: string;
	room: string;
	seq: string;
	at: string;
	device_at: string | null;
	user_id: string | null;
	org_id: string | null;
	collection: string;
	entity_id: string | null;
	field: string | null;
	op: RefusalRecord['op'];
	attempted: unknown;
	reason: string;
}

const toRecord = (r: Row): RefusalRecord => ({
	id: r.id,
	room: r.room,
	seq: Number(r.seq),
	at: Number(r.at),
	deviceAt: r.device_at === null ? null : Number(r.device_at),
	userId: r.user_id,
	orgId: r.org_id,
	collection: r.collection,
	entityId: r.entity_id,
	field: r.field,
	op: r.op,
	attempted: r.attempted,
	reason: r.reason
});

async function insert(client: PgClient | PgPool, rows: readonly RefusalRecord[]): Promise<void> {
	if (rows.length === 0) return;
	const col = <K extends keyof RefusalRecord>(k: K) => rows.map((r) => r[k]);
	await client.query(
		`INSERT INTO doc_refusals (id, room, seq, at, device_at, user_id, org_id, collection, entity_id, field, op, attempted, reason)
		 SELECT id, room, seq, at, device_at, user_id, org_id, collection, entity_id, field, op, attempted::jsonb, reason
		 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[],
		             $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
		   AS t(id, room, seq, at, device_at, user_id, org_id, collection, entity_id, field, op, attempted, reason)`,
		[
			col('id'),
			col('room'),
			col('seq'),
			col('at'),
			col('deviceAt'),
			col('userId'),
			col('orgId'),
			col('collection'),
			col('entityId'),
			col('field'),
			col('op'),
			rows.map((r) => JSON.stringify(r.attempted ?? null)),
			col('reason')
		]
	);
}

/** For PgDocStore.accompany: an entry's refusals, in the transaction that appends it. */
export const pgRefusalCompanion: PgEntryCompanion = async (client, entries, seqs) => {
	const rows: RefusalRecord[] = [];
	entries.forEach((e: AppendEntry, i) => {
		for (const r of e.refusals ?? []) {
			rows.push({
				id: r.id,
				room: e.room,
				seq: seqs[i]!,
				at: e.at,
				deviceAt: r.deviceAt ?? null,
				userId: e.userId,
				orgId: e.orgId,
				collection: r.collection,
				entityId: r.entityId,
				field: r.field,
				op: r.op,
				attempted: r.attempted,
				reason: r.reason
			});
		}
	});
	await insert(client, rows);
};

export class PgRefusalStore implements RefusalStore {
	constructor(private readonly pool: PgPool) {}

	async record(rows: readonly RefusalRecord[]): Promise<void> {
		await insert(this.pool, rows);
	}

	async ofIncident(
		room: string,
		opts: { userId?: string; limit?: number; offset?: number } = {}
	): Promise<RefusalRecord[]> {
		const limit = opts.limit ?? 1000;
		const offset = opts.offset ?? 0;
		const res =
			opts.userId === undefined
				? await this.pool.query<Row>(
						'SELECT * FROM doc_refusals WHERE room = $1 ORDER BY seq, n LIMIT $2 OFFSET $3',
						[room, limit, offset]
					)
				: await this.pool.query<Row>(
						'SELECT * FROM doc_refusals WHERE room = $1 AND user_id = $2 ORDER BY seq, n LIMIT $3 OFFSET $4',
						[room, opts.userId, limit, offset]
					);
		return res.rows.map(toRecord);
	}

	async byId(id: string): Promise<RefusalRecord | null> {
		const res = await this.pool.query<Row>('SELECT * FROM doc_refusals WHERE id = $1', [id]);
		return res.rows[0] ? toRecord(res.rows[0]) : null;
	}

	close(): void {}
}
