/** The `team_share_intervals` table in SQLite: a TeamIntervalRepository. */
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import type { StoredTeamInterval, TeamIntervalRepository } from '../team-interval-repository.ts';

interface Row {
	org_id: string;
	interval_ms: number;
	set_by: string;
	set_at: number;
}

const rowOf = (r: Row): StoredTeamInterval => ({
	orgId: r.org_id,
	intervalMs: r.interval_ms,
	setBy: r.set_by,
	setAt: r.set_at
});

export class SqliteTeamIntervalRepository implements TeamIntervalRepository {
	readonly #set;
	readonly #get;
	readonly #all;

	constructor(db: SqliteDatabase) {
		this.#set = db.prepare(
			`INSERT INTO team_share_intervals (org_id, interval_ms, set_by, set_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (org_id) DO UPDATE SET interval_ms = excluded.interval_ms, set_by = excluded.set_by,
			 set_at = excluded.set_at`
		);
		this.#get = db.prepare(`SELECT * FROM team_share_intervals WHERE org_id = ?`);
		this.#all = db.prepare(`SELECT * FROM team_share_intervals ORDER BY org_id`);
	}

	async set(r: StoredTeamInterval): Promise<void> {
		this.#set.run(r.orgId, r.intervalMs, r.setBy, r.setAt);
	}

	async get(orgId: string): Promise<StoredTeamInterval | null> {
		const row = this.#get.get(orgId) as Row | undefined;
		return row ? rowOf(row) : null;
	}

	async all(): Promise<StoredTeamInterval[]> {
		return (this.#all.all() as Row[]).map(rowOf);
	}
}
