/** The `organisations` and `organisation_changes` tables: the embedded OrganisationRepository. */
import type { OrganisationState } from '#domain/api/organisations';
import type { OrgKind } from '#domain/vocabulary';
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import type { SeedOrg } from '../jurisdiction-seed.ts';
import type {
	OrganisationChange,
	OrganisationRepository,
	RecordedOrganisationChange,
	StoredOrg
} from '../organisations.ts';

interface OrgRow {
	id: string;
	name: string;
	kind: string;
	parent_id: string | null;
	township: string | null;
	code: string | null;
	sort: number;
	active: number;
}

interface ChangeRow {
	seq: number;
	org_id: string;
	at: number;
	by_user_id: string | null;
	before: string | null;
	after: string;
}

export class SqliteOrganisationRepository implements OrganisationRepository {
	constructor(private readonly db: SqliteDatabase) {}

	async upsertAll(orgs: readonly SeedOrg[]): Promise<void> {
		const stmt = this.db.prepare(
			`INSERT INTO organisations (id, name, kind, parent_id, township, code, sort)
			 VALUES (@id, @name, @kind, @parentId, @township, @code, @sort)
			 ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
			   township = excluded.township, code = excluded.code, sort = excluded.sort`
		);
		this.db.transaction(() => {
			for (const o of orgs) stmt.run(o);
		})();
	}

	async all(): Promise<StoredOrg[]> {
		const rows = this.db.prepare('SELECT * FROM organisations ORDER BY sort, id').all() as OrgRow[];
		return rows.map((r) => ({
			id: r.id,
			name: r.name,
			kind: r.kind as OrgKind,
			parentId: r.parent_id,
			township: r.township,
			code: r.code,
			sort: r.sort,
			active: r.active === 1
		}));
	}

	async save(orgs: readonly StoredOrg[], changes: readonly OrganisationChange[]): Promise<void> {
		const write = this.db.prepare(
			`INSERT INTO organisations (id, name, kind, parent_id, township, code, sort, active)
			 VALUES (@id, @name, @kind, @parentId, @township, @code, @sort, @active)
			 ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
			   township = excluded.township, code = excluded.code, sort = excluded.sort, active = excluded.active`
		);
		const record = this.db.prepare(
			'INSERT INTO organisation_changes (org_id, at, by_user_id, before, after) VALUES (?, ?, ?, ?, ?)'
		);
		this.db.transaction(() => {
			for (const o of orgs) write.run({ ...o, active: o.active ? 1 : 0 });
			for (const c of changes) {
				record.run(
					c.orgId,
					c.at,
					c.byUserId,
					c.before === null ? null : JSON.stringify(c.before),
					JSON.stringify(c.after)
				);
			}
		})();
	}

	async changes(filter: { orgId?: string; limit?: number } = {}): Promise<RecordedOrganisationChange[]> {
		const limit = filter.limit ?? 200;
		const rows = (
			filter.orgId === undefined
				? this.db.prepare('SELECT * FROM organisation_changes ORDER BY seq DESC LIMIT ?').all(limit)
				: this.db
						.prepare('SELECT * FROM organisation_changes WHERE org_id = ? ORDER BY seq DESC LIMIT ?')
						.all(filter.orgId, limit)
		) as ChangeRow[];
		return rows.map((r) => ({
			seq: r.seq,
			orgId: r.org_id,
			at: r.at,
			byUserId: r.by_user_id,
			before: r.before === null ? null : (JSON.parse(r.before) as OrganisationState),
			after: JSON.parse(r.after) as OrganisationState
		}));
	}
}
