/** The `organisations` table: the embedded OrganisationRepository. */
import type { OrgKind } from '#domain/vocabulary';
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import type { SeedOrg } from '../jurisdiction-seed.ts';
import type { OrganisationRepository } from '../organisations.ts';

interface OrgRow {
	id: string;
	name: string;
	kind: string;
	parent_id: string | null;
	township: string | null;
	code: string | null;
	sort: number;
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

	async all(): Promise<SeedOrg[]> {
		const rows = this.db.prepare('SELECT * FROM organisations ORDER BY sort, id').all() as OrgRow[];
		return rows.map((r) => ({
			id: r.id,
			name: r.name,
			kind: r.kind as OrgKind,
			parentId: r.parent_id,
			township: r.township,
			code: r.code,
			sort: r.sort
		}));
	}
}
