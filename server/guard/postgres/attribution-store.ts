/** The `doc_changes` table in PostgreSQL: an AttributionStore. Each `record` is one transaction. */
import type { PgPool } from '../../store/postgres/database.ts';
import {
	toChange,
	type AttributionStore,
	type ChangeRow,
	type ChangeTableRow,
	type EntityAttribution
} from '../attribution-store.ts';

export class PgAttributionStore implements AttributionStore {
	constructor(private readonly pool: PgPool) {}

	/** One statement, so one transaction: all rows or none. Rows keep the order given (their ids). */
	async record(rows: readonly ChangeRow[]): Promise<void> {
		if (rows.length === 0) return;
		await this.pool.query(
			`INSERT INTO doc_changes (room, seq, at, user_id, org_id, collection, entity_id, field, op)
			 SELECT room, seq, at, user_id, org_id, collection, entity_id, field, op
			 FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
			   WITH ORDINALITY AS t(room, seq, at, user_id, org_id, collection, entity_id, field, op, n)
			 ORDER BY n`,
			[
				rows.map((r) => r.room),
				rows.map((r) => r.seq),
				rows.map((r) => r.at),
				rows.map((r) => r.userId),
				rows.map((r) => r.orgId),
				rows.map((r) => r.collection),
				rows.map((r) => r.entityId),
				rows.map((r) => r.field),
				rows.map((r) => r.op)
			]
		);
	}

	async changesOf(
		room: string,
		collection: string,
		entityId: string | null,
		limit = 1000
	): Promise<ChangeRow[]> {
		const res =
			entityId === null
				? await this.pool.query<ChangeTableRow>(
						'SELECT * FROM doc_changes WHERE room = $1 AND collection = $2 AND entity_id IS NULL ORDER BY seq DESC, id DESC LIMIT $3',
						[room, collection, limit]
					)
				: await this.pool.query<ChangeTableRow>(
						'SELECT * FROM doc_changes WHERE room = $1 AND collection = $2 AND entity_id = $3 ORDER BY seq DESC, id DESC LIMIT $4',
						[room, collection, entityId, limit]
					);
		return res.rows.map(toChange);
	}

	async attribution(room: string): Promise<EntityAttribution[]> {
		// Per entity: the newest row of any kind, and the first 'create' of the whole entity.
		const res = await this.pool.query<{
			collection: string;
			entity_id: string;
			created_by: string | null;
			created_at: number | null;
			last_by: string | null;
			last_at: number;
		}>(
			`SELECT c.collection, c.entity_id, cr.user_id AS created_by, cr.at AS created_at,
				c.user_id AS last_by, c.at AS last_at
			 FROM (
				SELECT DISTINCT ON (collection, entity_id) collection, entity_id, user_id, at FROM doc_changes
				WHERE room = $1 AND entity_id IS NOT NULL ORDER BY collection, entity_id, id DESC
			 ) c
			 LEFT JOIN (
				SELECT DISTINCT ON (collection, entity_id) collection, entity_id, user_id, at FROM doc_changes
				WHERE room = $1 AND op = 'create' AND field IS NULL ORDER BY collection, entity_id, id
			 ) cr ON cr.collection = c.collection AND cr.entity_id = c.entity_id
			 ORDER BY c.collection, c.entity_id`,
			[room]
		);
		return res.rows.map((r) => ({
			collection: r.collection,
			entityId: r.entity_id,
			createdBy: r.created_by,
			createdAt: r.created_at,
			lastChangedBy: r.last_by,
			lastChangedAt: r.last_at
		}));
	}

	close(): void {}
}
