/**
 * The organisation tree: the repository that stores it, and an in-memory directory of it. The
 * directory implements the domain's OrgDirectory, so the permission guard, whose checkUpdate is
 * synchronous, looks organisations up without a storage round trip on every update. It is loaded
 * at start, writes go through it (it re-reads the repository after each, so a team an
 * administrator creates can be assigned a task in an open room at once), and `reload` takes in
 * what another node wrote. What administrators may change, and the refusals, are
 * organisation-changes.ts; the service that makes the changes is organisation-admin.ts.
 */
import type { OrgDirectory, OrgInfo } from '#domain/actor';
import type { OrganisationState, OrganisationTreeNode } from '#domain/api/organisations';
import type { SeedOrg } from './jurisdiction-seed.ts';

/** An organisation as stored: as seeded or created, and whether it is still active. */
export interface StoredOrg extends SeedOrg {
	active: boolean;
}

/** One change of one organisation, recorded with the rows it wrote. */
export interface OrganisationChange {
	orgId: string;
	/** Epoch milliseconds, the server's clock. */
	at: number;
	/** Null: the server itself (the jurisdiction's seed). */
	byUserId: string | null;
	/** Null: the change created it. */
	before: OrganisationState | null;
	after: OrganisationState;
}

/** A recorded change, with its place in the record. */
export interface RecordedOrganisationChange extends OrganisationChange {
	seq: number;
}

/**
 * Where the organisation tree is stored (async, so that a database server can implement it;
 * server/identity/sqlite/organisations.ts is the embedded one, and every implementation passes
 * tests/identity/organisation-repository-contract.ts). Written only through the directory below,
 * which keeps its copy current.
 */
export interface OrganisationRepository {
	/**
	 * Inserts or updates the given organisations (parents before children); rows not given are
	 * kept, and so is whether a stored one is active (a new one is).
	 */
	upsertAll(orgs: readonly SeedOrg[]): Promise<void>;
	/** Every organisation, active or not, by `sort`, then id. */
	all(): Promise<StoredOrg[]>;
	/**
	 * Writes these organisations whole (new or changed; parents before children) and appends the
	 * changes to the record, all or nothing.
	 */
	save(orgs: readonly StoredOrg[], changes: readonly OrganisationChange[]): Promise<void>;
	/** The recorded changes, newest first: of one organisation if `orgId` is given; at most `limit`. */
	changes(filter?: { orgId?: string; limit?: number }): Promise<RecordedOrganisationChange[]>;
}

/** The fields a change records of an organisation. */
export function stateOf(o: StoredOrg): OrganisationState {
	return { name: o.name, kind: o.kind, parentId: o.parentId, township: o.township, active: o.active };
}

/** The organisation table held in memory (it changes when seeded, changed, or reloaded). */
export class OrganisationDirectory implements OrgDirectory {
	#byId = new Map<string, StoredOrg>();
	/** Changes are made one at a time: each is checked against the table the one before left. */
	#writing: Promise<unknown> = Promise.resolve();

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

	/**
	 * Runs `change` once every change before it is stored, on the table as they left it: `change`
	 * returns the rows to write and what to record (or throws a refusal), and they are stored
	 * before the next one runs.
	 */
	change<T>(
		change: (table: ReadonlyMap<string, StoredOrg>) => {
			rows: readonly StoredOrg[];
			changes: readonly OrganisationChange[];
			result: T;
		}
	): Promise<T> {
		const next = this.#writing.then(async () => {
			const { rows, changes, result } = change(this.#byId);
			if (rows.length > 0) {
				await this.repo.save(rows, changes);
				await this.reload();
			}
			return result;
		});
		this.#writing = next.catch(() => undefined);
		return next;
	}

	/** The record of changes (see OrganisationRepository.changes). */
	changes(filter?: { orgId?: string; limit?: number }): Promise<RecordedOrganisationChange[]> {
		return this.repo.changes(filter);
	}

	/** Re-reads the repository: for changes this directory did not make (another node's). */
	async reload(): Promise<void> {
		const orgs = await this.repo.all();
		// Replaced in one step: a synchronous reader sees the old table or the new one, never half.
		this.#byId = new Map(orgs.map((o) => [o.id, o]));
	}

	/**
	 * An active organisation, as the permission policy sees it: a deactivated one is not offered
	 * to anyone (no new task, no owner, no member). Its name stays readable through `nameOf`.
	 */
	get(orgId: string): OrgInfo | undefined {
		const o = this.#byId.get(orgId);
		return o?.active
			? { id: o.id, name: o.name, kind: o.kind, parentId: o.parentId, township: o.township }
			: undefined;
	}

	/** The stored row, active or not. */
	record(orgId: string): StoredOrg | undefined {
		return this.#byId.get(orgId);
	}

	/** The name of an organisation, deactivated ones included (old tasks and records name them). */
	nameOf(orgId: string): string | undefined {
		return this.#byId.get(orgId)?.name;
	}

	/** Whether an active organisation of this id exists. */
	has(orgId: string): boolean {
		return this.get(orgId) !== undefined;
	}

	/** Villages are places, not organisations people belong to; nobody joins a deactivated one. */
	canHoldUsers(orgId: string): boolean {
		const o = this.#byId.get(orgId);
		return o !== undefined && o.active && o.kind !== 'village';
	}

	/** Is `orgId` the organisation `ancestorId` or below it? */
	isWithin(orgId: string, ancestorId: string): boolean {
		for (let o = this.#byId.get(orgId); o; o = o.parentId ? this.#byId.get(o.parentId) : undefined) {
			if (o.id === ancestorId) return true;
		}
		return false;
	}

	/** How many organisations are stored, deactivated ones included. */
	get size(): number {
		return this.#byId.size;
	}

	/** The tree as the REST API returns it, deactivated organisations included (marked). */
	tree(): OrganisationTreeNode[] {
		const nodes = new Map<string, OrganisationTreeNode>();
		for (const o of this.#byId.values()) {
			nodes.set(o.id, {
				id: o.id,
				name: o.name,
				kind: o.kind,
				township: o.township,
				code: o.code,
				active: o.active,
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
