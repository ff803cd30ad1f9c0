/** The `organisations` and `organisation_changes` tables in PostgreSQL: an OrganisationRepository. */
import type { OrganisationState } from '#domain/api/organisations';
import type { OrgKind } from '#domain/vocabulary';
import { inTransaction, type PgPool } from '../../store/postgres/database.ts';
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
	active: boolean;
}

interface ChangeRow {
	seq: number;
	org_id: string;
	at: number;
	by_user_id: string | null;
	before: string | null;
	after: string;
}

const UPSERT = `INSERT INTO organisations (id, name, kind, parent_id, township, code, sort)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
		township = excluded.township, code = excluded.code, sort = excluded.sort`;

export class PgOrganisationRepository implements OrganisationRepository {
	constructor(private readonly pool: PgPool) {}

	async upsertAll(orgs: readonly SeedOrg[]): Promise<void> {
		await inTransaction(this.pool, async (c) => {
			for (const o of orgs)
				await c.query(UPSERT, [o.id, o.name, o.kind, o.parentId, o.township, o.code, o.sort]);
		});
	}

	async all(): Promise<StoredOrg[]> {
		const res = await this.pool.query<OrgRow>('SELECT * FROM organisations ORDER BY sort, id');
		return res.rows.map((r) => ({
			id: r.id,
			name: r.name,
			kind: r.kind as OrgKind,
			parentId: r.parent_id,
			township: r.township,
			code: r.code,
			sort: r.sort,
			active: r.active
		}));
	}

	async save(orgs: readonly StoredOrg[], changes: readonly OrganisationChange[]): Promise<void> {
		await inTransaction(this.pool, async (c) => {
			for (const o of orgs) {
				await c.query(
					`INSERT INTO organisations (id, name, kind, parent_id, township, code, sort, active)
					 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
					 ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
					   township = excluded.township, code = excluded.code, sort = excluded.sort, active = excluded.active`,
					[o.id, o.name, o.kind, o.parentId, o.township, o.code, o.sort, o.active]
				);
			}
			for (const ch of changes) {
				await c.query(
					'INSERT INTO organisation_changes (org_id, at, by_user_id, before, after) VALUES ($1, $2, $3, $4, $5)',
					[
						ch.orgId,
						ch.at,
						ch.byUserId,
						ch.before === null ? null : JSON.stringify(ch.before),
						JSON.stringify(ch.after)
					]
				);
			}
		});
	}

	async changes(filter: { orgId?: string; limit?: number } = {}): Promise<RecordedOrganisationChange[]> {
		const limit = filter.limit ?? 200;
		const res =
			filter.orgId === undefined
				? await this.pool.query<ChangeRow>('SELECT * FROM organisation_changes ORDER BY seq DESC LIMIT $1', [
						limit
					])
				: await this.pool.query<ChangeRow>(
						'SELECT * FROM organisation_changes WHERE org_id = $1 ORDER BY seq DESC LIMIT $2',
						[filter.orgId, limit]
					);
		return res.rows.map((r) => ({
			seq: r.seq,
			orgId: r.org_id,
			at: r.at,
			byUserId: r.by_user_id,
			before: r.before === null ? null : (JSON.parse(r.before) as OrganisationState),
			after: JSON.parse(r.after) as OrganisationState
		}));
	}
}
