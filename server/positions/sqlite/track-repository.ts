/** The `position_fixes` table in SQLite: a TrackRepository. */
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
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
	at: r.at,
	lon: r.lon,
	lat: r.lat,
	accuracy: r.accuracy,
	receivedAt: r.received_at
});

/** Newest first up to the limit, then put in the answer's order (user, time). */
const ordered = (rows: Row[]): StoredFix[] =>
	rows.map(fixOf).sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.at - b.at));

export class SqliteTrackRepository implements TrackRepository {
	readonly #insert;
	readonly #window;
	readonly #windowOfUser;
	readonly #addAll;
	readonly #purge;

	constructor(db: SqliteDatabase) {
		this.#insert = db.prepare(
			`INSERT INTO position_fixes (incident_id, user_id, at, org_id, lon, lat, accuracy, received_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
		);
		this.#window = db.prepare(
			`SELECT * FROM position_fixes WHERE incident_id = ? AND at BETWEEN ? AND ?
			 ORDER BY at DESC, user_id LIMIT ?`
		);
		this.#windowOfUser = db.prepare(
			`SELECT * FROM position_fixes WHERE incident_id = ? AND user_id = ? AND at BETWEEN ? AND ?
			 ORDER BY at DESC LIMIT ?`
		);
		this.#purge = db.prepare(
			`DELETE FROM position_fixes WHERE (incident_id, user_id, at) IN (
				SELECT incident_id, user_id, at FROM position_fixes WHERE at < ? LIMIT ?
			)`
		);
		this.#addAll = db.transaction((fixes: readonly StoredFix[]) => {
			let stored = 0;
			for (const f of fixes) {
				stored += this.#insert.run(
					f.incidentId,
					f.userId,
					f.at,
					f.orgId,
					f.lon,
					f.lat,
					f.accuracy,
					f.receivedAt
				).changes;
			}
			return stored;
		});
	}

	async add(fixes: readonly StoredFix[]): Promise<{ stored: number }> {
		return { stored: fixes.length === 0 ? 0 : (this.#addAll(fixes) as number) };
	}

	async purgeBefore(before: number, limit: number): Promise<number> {
		return this.#purge.run(before, limit).changes;
	}

	async window(incidentId: string, w: TrackWindow): Promise<StoredFix[]> {
		const rows =
			w.userId === undefined
				? this.#window.all(incidentId, w.since, w.until, w.limit)
				: this.#windowOfUser.all(incidentId, w.userId, w.since, w.until, w.limit);
		return ordered(rows as Row[]);
	}
}
