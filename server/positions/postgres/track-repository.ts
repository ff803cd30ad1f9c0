/** The `position_fixes` table in PostgreSQL: a TrackRepository. */
import type { PgPool } from '../../store/postgres/database.ts';
import type { StoredFix, TrackRepository, TrackWindow } from '../track-repository.ts';

interface Row {
	incident_id: string;
	user_id: string;
	org_id: string;
	at: number;
	lon: number;
	lat: number;
	accuracy: number | null;
	received_at: number;
}

const fixOf = (r: Row): StoredFix => ({
	incidentId: r.incident_id,
	userId: r.user_id,
	orgId: r.org_id,
	at: Number(r.at),
	lon: r.lon,
	lat: r.lat,
	accuracy: r.accuracy,
	receivedAt: Number(r.received_at)
});

export class PgTrackRepository implements TrackRepository {
	constructor(private readonly pool: PgPool) {}

	async add(fixes: readonly StoredFix[]): Promise<{ stored: number }> {
		if (fixes.length === 0) return { stored: 0 };
		// One statement for the batch (one transaction); a fix already stored is skipped.
		const res = await this.pool.query(
			`INSERT INTO position_fixes (incident_id, user_id, at, org_id, lon, lat, accuracy, received_at)
			 SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::float8[], $6::float8[],
				$7::float8[], $8::bigint[])
			 ON CONFLICT DO NOTHING`,
			[
				fixes.map((f) => f.incidentId),
				fixes.map((f) => f.userId),
				fixes.map((f) => f.at),
				fixes.map((f) => f.orgId),
				fixes.map((f) => f.lon),
				fixes.map((f) => f.lat),
				fixes.map((f) => f.accuracy),
				fixes.map((f) => f.receivedAt)
			]
		);
		return { stored: res.rowCount ?? 0 };
	}

	async purgeBefore(before: number, limit: number): Promise<number> {
		const res = await this.pool.query(
			`DELETE FROM position_fixes WHERE ctid IN (
				SELECT ctid FROM position_fixes WHERE at < $1 LIMIT $2
			)`,
			[before, limit]
		);
		return res.rowCount ?? 0;
	}

	async window(incidentId: string, w: TrackWindow): Promise<StoredFix[]> {
		const byUser = w.userId !== undefined;
		const res = await this.pool.query<Row>(
			`SELECT * FROM (
				SELECT * FROM position_fixes
				WHERE incident_id = $1 AND at BETWEEN $2 AND $3 ${byUser ? 'AND user_id = $5' : ''}
				ORDER BY at DESC, user_id LIMIT $4
			) newest ORDER BY user_id, at`,
			byUser ? [incidentId, w.since, w.until, w.limit, w.userId] : [incidentId, w.since, w.until, w.limit]
		);
		return res.rows.map(fixOf);
	}
}
