/**
 * The organisation tree: a repository over the `organisations` table and an in-memory
 * directory of it. The directory implements the domain's OrgDirectory, so the permission
 * guard looks organisations up without touching SQL on every update.
 */
import type { OrgDirectory, OrgInfo } from '#domain/actor';
import type { OrganisationTreeNode } from '#domain/api/organisations';
import type { OrgKind } from '#domain/vocabulary';
import type { SqliteDatabase } from '../store/sqlite/database.ts';
import type { SeedOrg } from './jurisdiction-seed.ts';

interface OrgRow {
	id: string;
	name: string;
	kind: string;
	parent_id: string | null;
	township: string | null;
	code: string | null;
	sort: number;
}

export class OrganisationRepository {
	constructor(private readonly db: SqliteDatabase) {}

	/** Inserts or updates the seeded organisations; rows not in the seed are kept. */
	upsertAll(orgs: readonly SeedOrg[]): void {
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

	all(): SeedOrg[] {
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

/** The organisation table held in memory (it changes only when seeded). */
export class OrganisationDirectory implements OrgDirectory {
	#byId = new Map<string, SeedOrg>();

	constructor(orgs: readonly SeedOrg[]) {
		this.reload(orgs);
	}

	reload(orgs: readonly SeedOrg[]): void {
		this.#byId = new Map(orgs.map((o) => [o.id, o]));
	}

	get(orgId: string): OrgInfo | undefined {
		const o = this.#byId.get(orgId);
		return o && { id: o.id, name: o.name, kind: o.kind, parentId: o.parentId, township: o.township };
	}

	has(orgId: string): boolean {
		return this.#byId.has(orgId);
	}

	/** Villages are places, not organisations people belong to. */
	canHoldUsers(orgId: string): boolean {
		const o = this.#byId.get(orgId);
		return o !== undefined && o.kind !== 'village';
	}

	/** Is `orgId` the organisation `ancestorId` or below it? */
	isWithin(orgId: string, ancestorId: string): boolean {
		for (let o = this.#byId.get(orgId); o; o = o.parentId ? this.#byId.get(o.parentId) : undefined) {
			if (o.id === ancestorId) return true;
		}
		return false;
	}

	get size(): number {
		return this.#byId.size;
	}

	/** The tree as the REST API returns it. */
	tree(): OrganisationTreeNode[] {
		const nodes = new Map<string, OrganisationTreeNode>();
		for (const o of this.#byId.values()) {
			nodes.set(o.id, {
				id: o.id,
				name: o.name,
				kind: o.kind,
				township: o.township,
				code: o.code,
				children: []
			});
		}
		const roots: OrganisationTreeNode[] = [];
		const ordered = [...this.#byId.values()].sort((a, b) => a.sort - b.sort);
		for (const o of ordered) {
			const node = nodes.get(o.id)!;
			const parent = o.parentId ? nodes.get(o.parentId) : undefined;
			(parent ? parent.children : roots).push(node);
		}
		return roots;
	}
}
