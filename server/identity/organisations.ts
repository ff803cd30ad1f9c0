/**
 * The organisation tree: the repository that stores it, and an in-memory directory of it. The
 * directory implements the domain's OrgDirectory, so the permission guard, whose checkUpdate is
 * synchronous, looks organisations up without a storage round trip on every update. It is loaded
 * at start, writes go through it (it re-reads the repository after each), and `reload` takes in
 * what another node wrote.
 */
import type { OrgDirectory, OrgInfo } from '#domain/actor';
import type { OrganisationTreeNode } from '#domain/api/organisations';
import type { SeedOrg } from './jurisdiction-seed.ts';

/**
 * Where the organisation tree is stored (async, so that a database server can implement it;
 * server/identity/sqlite/organisations.ts is the embedded one, and every implementation passes
 * tests/identity/organisation-repository-contract.ts). Written only through the directory below,
 * which keeps its copy current.
 */
export interface OrganisationRepository {
	/** Inserts or updates the given organisations (parents before children); rows not given are kept. */
	upsertAll(orgs: readonly SeedOrg[]): Promise<void>;
	/** Every organisation, by `sort`, then id. */
	all(): Promise<SeedOrg[]>;
}

/** The organisation table held in memory (it changes when seeded, or when reloaded). */
export class OrganisationDirectory implements OrgDirectory {
	#byId = new Map<string, SeedOrg>();

	private constructor(private readonly repo: OrganisationRepository) {}

	/** The directory of what `repo` holds now. */
	static async load(repo: OrganisationRepository): Promise<OrganisationDirectory> {
		const directory = new OrganisationDirectory(repo);
		await directory.reload();
		return directory;
	}

	/** Stores the organisations (see OrganisationRepository.upsertAll), then holds what is stored. */
	async upsertAll(orgs: readonly SeedOrg[]): Promise<void> {
		await this.repo.upsertAll(orgs);
		await this.reload();
	}

	/** Re-reads the repository: for changes this directory did not make (another node's). */
	async reload(): Promise<void> {
		const orgs = await this.repo.all();
		// Replaced in one step: a synchronous reader sees the old table or the new one, never half.
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
