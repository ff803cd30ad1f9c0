/** The `incidents`, `incident_townships` and `incident_viewers` tables: the embedded IncidentRepository. */
import type { IncidentSummary } from '#domain/api/incidents';
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import type {
	IncidentRepository,
	IndexedMeta,
	IndexFilter,
	OpenedBy,
	ViewerGrantRow
} from '../incident-repository.ts';
import { incidentFromRow, sameIncidentMeta, type IncidentRow } from '../incident-row.ts';

export class SqliteIncidentRepository implements IncidentRepository {
	readonly #db: SqliteDatabase;
	// Prepared once: exists() runs at every join of an incident room.
	readonly #exists;
	readonly #get;

	constructor(db: SqliteDatabase) {
		this.#db = db;
		this.#exists = db.prepare('SELECT 1 FROM incidents WHERE id = ?');
		this.#get = db.prepare('SELECT * FROM incidents WHERE id = ?');
	}

	async exists(id: string): Promise<boolean> {
		return this.#exists.get(id) !== undefined;
	}

	async get(id: string): Promise<IncidentSummary | undefined> {
		return this.#summary(id);
	}

	async count(): Promise<number> {
		return (this.#db.prepare('SELECT count(*) AS n FROM incidents').get() as { n: number }).n;
	}

	async ids(): Promise<string[]> {
		return (this.#db.prepare('SELECT id FROM incidents').all() as Array<{ id: string }>).map((r) => r.id);
	}

	async insert(id: string, meta: IndexedMeta, by: OpenedBy, now = Date.now()): Promise<void> {
		this.#db.transaction(() => {
			this.#db
				.prepare(
					`INSERT INTO incidents (id, name, type, severity, level, status, townships, lon, lat, occurred_at,
						created_by, created_org_id, created_at, updated_at, closed_at)
					 VALUES (@id, @name, @type, @severity, @level, @status, @townships, @lon, @lat, @occurredAt,
						@createdBy, @createdOrgId, @now, @now, @closedAt)`
				)
				.run({
					...toParams(id, meta),
					createdBy: by.userId,
					createdOrgId: by.orgId,
					now,
					closedAt: meta.status === 'closed' ? now : null
				});
			this.#writeTownships(id, meta.townships);
		})();
	}

	async remove(id: string): Promise<void> {
		// incident_townships and incident_viewers follow (ON DELETE CASCADE).
		this.#db.prepare('DELETE FROM incidents WHERE id = ?').run(id);
	}

	async update(id: string, meta: IndexedMeta, now = Date.now()): Promise<boolean> {
		const current = this.#summary(id);
		if (!current || sameIncidentMeta(current, meta)) return false;
		const closedAt =
			meta.status === 'closed' ? (current.closedAt ? Date.parse(current.closedAt) : now) : null;
		this.#db.transaction(() => {
			this.#db
				.prepare(
					`UPDATE incidents SET name = @name, type = @type, severity = @severity, level = @level,
						status = @status, townships = @townships, lon = @lon, lat = @lat, occurred_at = @occurredAt,
						updated_at = @now, closed_at = @closedAt
					 WHERE id = @id`
				)
				.run({ ...toParams(id, meta), now, closedAt });
			this.#writeTownships(id, meta.townships);
		})();
		return true;
	}

	async list(f: IndexFilter = {}): Promise<IncidentSummary[]> {
		const where: string[] = [];
		const params: Record<string, unknown> = {};
		if (f.status) {
			where.push('i.status = @status');
			params.status = f.status;
		}
		if (f.type) {
			where.push('i.type = @type');
			params.type = f.type;
		}
		if (f.severity) {
			where.push('i.severity = @severity');
			params.severity = f.severity;
		}
		if (f.township) {
			where.push(
				'EXISTS (SELECT 1 FROM incident_townships t WHERE t.incident_id = i.id AND t.township = @township)'
			);
			params.township = f.township;
		}
		if (f.q) {
			// instr rather than LIKE: no wildcard escaping, and lower() is enough for the Latin part of
			// names (Chinese has no case).
			where.push('instr(lower(i.name), lower(@q)) > 0');
			params.q = f.q;
		}
		if (f.viewerUserId !== undefined) {
			where.push(
				'EXISTS (SELECT 1 FROM incident_viewers v WHERE v.incident_id = i.id AND v.user_id = @viewer)'
			);
			params.viewer = f.viewerUserId;
		}
		params.limit = f.limit ?? 200;
		params.offset = f.offset ?? 0;
		const sql = `SELECT i.* FROM incidents i ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
			ORDER BY i.status = 'closed', i.occurred_at DESC, i.id LIMIT @limit OFFSET @offset`;
		return (this.#db.prepare(sql).all(params) as IncidentRow[]).map(incidentFromRow);
	}

	async grantViewer(
		incidentId: string,
		userId: string,
		grantedBy: string | null,
		now = Date.now()
	): Promise<void> {
		this.#db
			.prepare(
				`INSERT INTO incident_viewers (incident_id, user_id, granted_by, granted_at) VALUES (?, ?, ?, ?)
				 ON CONFLICT (incident_id, user_id) DO NOTHING`
			)
			.run(incidentId, userId, grantedBy, now);
	}

	async revokeViewer(incidentId: string, userId: string): Promise<boolean> {
		return (
			this.#db
				.prepare('DELETE FROM incident_viewers WHERE incident_id = ? AND user_id = ?')
				.run(incidentId, userId).changes > 0
		);
	}

	async isViewerOf(incidentId: string, userId: string): Promise<boolean> {
		return (
			this.#db
				.prepare('SELECT 1 FROM incident_viewers WHERE incident_id = ? AND user_id = ?')
				.get(incidentId, userId) !== undefined
		);
	}

	async viewersOf(incidentId: string): Promise<ViewerGrantRow[]> {
		const rows = this.#db
			.prepare(
				'SELECT user_id, granted_by, granted_at FROM incident_viewers WHERE incident_id = ? ORDER BY granted_at'
			)
			.all(incidentId) as Array<{ user_id: string; granted_by: string | null; granted_at: number }>;
		return rows.map((r) => ({
			userId: r.user_id,
			grantedBy: r.granted_by,
			grantedAt: new Date(r.granted_at).toISOString()
		}));
	}

	#summary(id: string): IncidentSummary | undefined {
		const row = this.#get.get(id) as IncidentRow | undefined;
		return row && incidentFromRow(row);
	}

	#writeTownships(id: string, townships: readonly string[]): void {
		this.#db.prepare('DELETE FROM incident_townships WHERE incident_id = ?').run(id);
		const ins = this.#db.prepare(
			'INSERT OR IGNORE INTO incident_townships (incident_id, township) VALUES (?, ?)'
		);
		for (const t of townships) ins.run(id, t);
	}
}

function toParams(id: string, m: IndexedMeta): Record<string, unknown> {
	return {
		id,
		name: m.name,
		type: m.type,
		severity: m.severity,
		level: m.level,
		status: m.status,
		townships: JSON.stringify(m.townships),
		lon: m.location?.[0] ?? null,
		lat: m.location?.[1] ?? null,
		occurredAt: m.occurredAt
	};
}
