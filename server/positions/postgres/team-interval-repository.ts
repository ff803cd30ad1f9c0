/** The `team_share_intervals` table in PostgreSQL: a TeamIntervalRepository. */
import type { PgPool } from '../../store/postgres/database.ts';
import type { StoredTeamInterval, TeamIntervalRepository } from '../team-interval-repository.ts';

interface Row {
	org_id: string;
	interval_ms: number;
	set_by: string;
	set_at: string | number;
}

const rowOf = (r: Row): StoredTeamInterval => ({
	orgId: r.org_id,
	intervalMs: Number(r.interval_ms),
	setBy: r.set_by,
	setAt: Number(r.set_at)
});

export class PgTeamIntervalRepository implements TeamIntervalRepository {
	constructor(private readonly pool: PgPool) {}

	async set(r: StoredTeamInterval): Promise<void> {
		await this.pool.query(
			`INSERT INTO team_share_intervals (org_id, interval_ms, set_by, set_at) VALUES ($1, $2, $3, $4)
			 ON CONFLICT (org_id) DO UPDATE SET interval_ms = excluded.interval_ms, set_by = excluded.set_by,
			 set_at = excluded.set_at`,
			[r.orgId, r.intervalMs, r.setBy, r.setAt]
		);
	}

	async get(orgId: string): Promise<StoredTeamInterval | null> {
		const res = await this.pool.query<Row>(`SELECT * FROM team_share_intervals WHERE org_id = $1`, [orgId]);
		return res.rows[0] ? rowOf(res.rows[0]) : null;
	}

	async all(): Promise<StoredTeamInterval[]> {
		const res = await this.pool.query<Row>(`SELECT * FROM team_share_intervals ORDER BY org_id`);
		return res.rows.map(rowOf);
	}
}
