/** The `incidents`, `incident_townships` and `incident_viewers` tables in PostgreSQL: an IncidentRepository. */
import type { IncidentSummary } from '#domain/api/incidents';
import { inTransaction, type PgClient, type PgPool } from '../../store/postgres/database.ts';
import type {
	IncidentRepository,
	IndexedMeta,
	IndexFilter,
	OpenedBy,
	ViewerGrantRow
} from '../incident-repository.ts';
import { incidentFromRow, sameIncidentMeta, type IncidentRow } from '../incident-row.ts';

export class PgIncidentRepository implements IncidentRepository {
	constructor(private readonly pool: PgPool) {}

	async exists(id: string): Promise<boolean> {
		return ((await this.pool.query('SELECT 1 FROM incidents WHERE id = $1', [id])).rowCount ?? 0) > 0;
	}

	async get(id: string): Promise<IncidentSummary | undefined> {
		const res = await this.pool.query<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [id]);
		return res.rows[0] && incidentFromRow(res.rows[0]);
	}

	async count(): Promise<number> {
		return (await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM incidents')).rows[0]!.n;
	}

	async ids(): Promise<string[]> {
		return (await this.pool.query<{ id: string }>('SELECT id FROM incidents')).rows.map((r) => r.id);
	}

	async insert(id: string, meta: IndexedMeta, by: OpenedBy, now = Date.now()): Promise<void> {
		await inTransaction(this.pool, async (c) => {
			await c.query(
				`INSERT INTO incidents (id, name, type, severity, level, status, townships, lon, lat, occurred_at,
					created_by, created_org_id, created_at, updated_at, closed_at)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)`,
				[...metaParams(id, meta), by.userId, by.orgId, now, meta.status === 'closed' ? now : null]
			);
			await writeTownships(c, id, meta.townships);
		});
	}

	async remove(id: string): Promise<void> {
		// incident_townships and incident_viewers follow (ON DELETE CASCADE).
		await this.pool.query('DELETE FROM incidents WHERE id = $1', [id]);
	}

	async update(id: string, meta: IndexedMeta, now = Date.now()): Promise<boolean> {
		return inTransaction(this.pool, async (c) => {
			const res = await c.query<IncidentRow>('SELECT * FROM incidents WHERE id = $1 FOR UPDATE', [id]);
			const current = res.rows[0] && incidentFromRow(res.rows[0]);
			if (!current || sameIncidentMeta(current, meta)) return false;
			const closedAt =
				meta.status === 'closed' ? (current.closedAt ? Date.parse(current.closedAt) : now) : null;
			await c.query(
				`UPDATE incidents SET name = $2, type = $3, severity = $4, level = $5, status = $6, townships = $7,
					lon = $8, lat = $9, occurred_at = $10, updated_at = $11, closed_at = $12
				 WHERE id = $1`,
				[...metaParams(id, meta), now, closedAt]
			);
			await writeTownships(c, id, meta.townships);
			return true;
		});
	}

	async list(f: IndexFilter = {}): Promise<IncidentSummary[]> {
		const where: string[] = [];
		const params: unknown[] = [];
		const param = (v: unknown): string => {
			params.push(v);
			return `$${params.length}`;
		};
		if (f.status) where.push(`i.status = ${param(f.status)}`);
		if (f.type) where.push(`i.type = ${param(f.type)}`);
		if (f.severity) where.push(`i.severity = ${param(f.severity)}`);
		if (f.township) {
			where.push(
				`EXISTS (SELECT 1 FROM incident_townships t WHERE t.incident_id = i.id AND t.township = ${param(f.township)})`
			);
		}
		// strpos rather than LIKE: no wildcard escaping (as SQLite's instr).
		if (f.q) where.push(`strpos(lower(i.name), lower(${param(f.q)})) > 0`);
		if (f.viewerUserId !== undefined) {
			where.push(
				`EXISTS (SELECT 1 FROM incident_viewers v WHERE v.incident_id = i.id AND v.user_id = ${param(f.viewerUserId)})`
			);
		}
		const sql = `SELECT i.* FROM incidents i ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
			ORDER BY i.status = 'closed', i.occurred_at DESC, i.id LIMIT ${param(f.limit ?? 200)} OFFSET ${param(f.offset ?? 0)}`;
		return (await this.pool.query<IncidentRow>(sql, params)).rows.map(incidentFromRow);
	}

	async grantViewer(
		incidentId: string,
		userId: string,
		grantedBy: string | null,
		now = Date.now()
	): Promise<void> {
		await this.pool.query(
			`INSERT INTO incident_viewers (incident_id, user_id, granted_by, granted_at) VALUES ($1, $2, $3, $4)
			 ON CONFLICT (incident_id, user_id) DO NOTHING`,
			[incidentId, userId, grantedBy, now]
		);
	}

	async revokeViewer(incidentId: string, userId: string): Promise<boolean> {
		const res = await this.pool.query(
			'DELETE FROM incident_viewers WHERE incident_id = $1 AND user_id = $2',
			[incidentId, userId]
		);
		return (res.rowCount ?? 0) > 0;
	}

	async isViewerOf(incidentId: string, userId: string): Promise<boolean> {
		const res = await this.pool.query(
			'SELECT 1 FROM incident_viewers WHERE incident_id = $1 AND user_id = $2',
			[incidentId, userId]
		);
		return (res.rowCount ?? 0) > 0;
	}

	async viewersOf(incidentId: string): Promise<ViewerGrantRow[]> {
		const res = await this.pool.query<{ user_id: string; granted_by: string | null; granted_at: number }>(
			'SELECT user_id, granted_by, granted_at FROM incident_viewers WHERE incident_id = $1 ORDER BY granted_at',
			[incidentId]
		);
		return res.rows.map((r) => ({
			userId: r.user_id,
			grantedBy: r.granted_by,
			grantedAt: new Date(r.granted_at).toISOString()
		}));
	}
}

async function writeTownships(c: PgClient, id: string, townships: readonly string[]): Promise<void> {
	await c.query('DELETE FROM incident_townships WHERE incident_id = $1', [id]);
	await c.query(
		`INSERT INTO incident_townships (incident_id, township) SELECT $1, t FROM unnest($2::text[]) AS t
		 ON CONFLICT DO NOTHING`,
		[id, [...townships]]
	);
}

/** $1 … $10: id, name, type, severity, level, status, townships, lon, lat, occurred_at. */
function metaParams(id: string, m: IndexedMeta): unknown[] {
	return [
		id,
		m.name,
		m.type,
		m.severity,
		m.level,
		m.status,
		JSON.stringify(m.townships),
		m.location?.[0] ?? null,
		m.location?.[1] ?? null,
		m.occurredAt
	];
}
