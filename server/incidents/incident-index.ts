/**
 * The relational index of incidents: one row per incident document, mirroring its meta, plus
 * the viewer grants. All SQL for incidents lives here, so a PostgreSQL version can replace it.
 */
import type { IncidentFilter, IncidentSummary } from '#domain/api/incidents';
import type { IncidentMeta } from '#domain/incident-doc';
import type { IncidentStatus, IncidentType, ResponseLevel, Severity } from '#domain/vocabulary';
import type { SqliteDatabase } from '../store/sqlite/database.ts';

/** Which incidents to list: the REST filter, and for a viewer only those shared with them. */
export type IndexFilter = IncidentFilter & { viewerUserId?: string };

/** The meta fields the index mirrors; everything the index needs to insert a row. */
export type IndexedMeta = Omit<IncidentMeta, 'id'>;

interface Row {
	id: string;
	name: string;
	type: string;
	severity: string;
	level: string;
	status: string;
	townships: string;
	lon: number | null;
	lat: number | null;
	occurred_at: string;
	created_by: string | null;
	created_org_id: string | null;
	created_at: number;
	updated_at: number;
	closed_at: number | null;
}

export class IncidentIndex {
	readonly #db: SqliteDatabase;
	// Prepared once: has() runs on the realtime path (room access and the guard).
	readonly #has;
	readonly #get;
	#membership = 0;

	constructor(db: SqliteDatabase) {
		this.#db = db;
		this.#has = db.prepare('SELECT 1 FROM incidents WHERE id = ?');
		this.#get = db.prepare('SELECT * FROM incidents WHERE id = ?');
	}

	has(id: string): boolean {
		return this.#has.get(id) !== undefined;
	}

	get(id: string): IncidentSummary | undefined {
		const row = this.#get.get(id) as Row | undefined;
		return row && fromRow(row);
	}

	count(): number {
		return (this.#db.prepare('SELECT count(*) AS n FROM incidents').get() as { n: number }).n;
	}

	insert(
		id: string,
		meta: IndexedMeta,
		by: { userId: string | null; orgId: string | null },
		now = Date.now()
	): void {
		// insert and remove run synchronously: no has() can see the old version with the new rows.
		this.#membership++;
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

	remove(id: string): void {
		this.#membership++;
		this.#db.prepare('DELETE FROM incidents WHERE id = ?').run(id);
	}

	/**
	 * Changes whenever an incident may have been added or removed (this index is the only writer
	 * of the table), so that a cache of has() can know when to drop what it holds.
	 */
	get membershipVersion(): number {
		return this.#membership;
	}

	/**
	 * Brings an existing row in line with the document's meta. Returns whether anything changed.
	 * Rows are only created by opening an incident, never from a document: a room that is not an
	 * incident must not appear in the list because someone wrote a `meta` map into it.
	 */
	update(id: string, meta: IndexedMeta, now = Date.now()): boolean {
		const current = this.get(id);
		if (!current || sameMeta(current, meta)) return false;
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

	list(f: IndexFilter = {}): IncidentSummary[] {
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
		return (this.#db.prepare(sql).all(params) as Row[]).map(fromRow);
	}

	grantViewer(incidentId: string, userId: string, grantedBy: string | null, now = Date.now()): void {
		this.#db
			.prepare(
				`INSERT INTO incident_viewers (incident_id, user_id, granted_by, granted_at) VALUES (?, ?, ?, ?)
				 ON CONFLICT (incident_id, user_id) DO NOTHING`
			)
			.run(incidentId, userId, grantedBy, now);
	}

	/** Returns whether a grant was removed. */
	revokeViewer(incidentId: string, userId: string): boolean {
		return (
			this.#db
				.prepare('DELETE FROM incident_viewers WHERE incident_id = ? AND user_id = ?')
				.run(incidentId, userId).changes > 0
		);
	}

	isViewerOf(incidentId: string, userId: string): boolean {
		return (
			this.#db
				.prepare('SELECT 1 FROM incident_viewers WHERE incident_id = ? AND user_id = ?')
				.get(incidentId, userId) !== undefined
		);
	}

	viewersOf(incidentId: string): Array<{ userId: string; grantedBy: string | null; grantedAt: string }> {
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

function sameMeta(s: IncidentSummary, m: IndexedMeta): boolean {
	return (
		s.name === m.name &&
		s.type === m.type &&
		s.severity === m.severity &&
		s.level === m.level &&
		s.status === m.status &&
		s.occurredAt === m.occurredAt &&
		JSON.stringify(s.townships) === JSON.stringify(m.townships) &&
		JSON.stringify(s.location) === JSON.stringify(m.location)
	);
}

function fromRow(r: Row): IncidentSummary {
	return {
		id: r.id,
		name: r.name,
		type: r.type as IncidentType,
		severity: r.severity as Severity,
		level: r.level as ResponseLevel,
		status: r.status as IncidentStatus,
		townships: JSON.parse(r.townships) as string[],
		location: r.lon !== null && r.lat !== null ? [r.lon, r.lat] : null,
		occurredAt: r.occurred_at,
		createdBy: r.created_by,
		createdOrgId: r.created_org_id,
		createdAt: new Date(r.created_at).toISOString(),
		updatedAt: new Date(r.updated_at).toISOString(),
		closedAt: r.closed_at === null ? null : new Date(r.closed_at).toISOString()
	};
}
