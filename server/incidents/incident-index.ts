/**
 * The incident index as the server uses it: the repository (incident-repository.ts) for every
 * read and write, and which incidents exist held in memory for the questions asked synchronously
 * on hot paths: whether the guard judges a room (asked inside checkUpdate, through a cache keyed
 * by `membershipVersion`) and whether a loaded room is an incident (onLoaded). Incidents are
 * opened and removed through this index, which changes the membership once the repository has;
 * `reload` takes in what another node changed. Everything else (joins, REST) asks the repository,
 * which is the truth.
 */
import type { IncidentSummary } from '#domain/api/incidents';
import type {
	IncidentRepository,
	IndexedMeta,
	IndexFilter,
	OpenedBy,
	ViewerGrantRow
} from './incident-repository.ts';

export type { IndexedMeta, IndexFilter } from './incident-repository.ts';

export class IncidentIndex implements IncidentRepository {
	#ids = new Set<string>();
	#membership = 0;
	/** Per reload in flight, the opens and removals made meanwhile (its read may predate them). */
	readonly #duringReloads = new Set<Array<[id: string, exists: boolean]>>();

	private constructor(private readonly repo: IncidentRepository) {}

	/** The index over `repo`, with the membership of what it holds now. */
	static async load(repo: IncidentRepository): Promise<IncidentIndex> {
		const index = new IncidentIndex(repo);
		await index.reload();
		return index;
	}

	/** Whether an incident of this id exists, as this node knows it (in memory, synchronous). */
	has(id: string): boolean {
		return this.#ids.has(id);
	}

	/**
	 * Changes whenever the membership may have changed, so that a cache of has() knows when to
	 * drop what it holds.
	 */
	get membershipVersion(): number {
		return this.#membership;
	}

	/** Re-reads which incidents exist: for incidents this node did not open or remove. */
	async reload(): Promise<void> {
		const meanwhile: Array<[string, boolean]> = [];
		this.#duringReloads.add(meanwhile);
		try {
			const ids = new Set(await this.repo.ids());
			for (const [id, exists] of meanwhile) {
				if (exists) ids.add(id);
				else ids.delete(id);
			}
			this.#ids = ids;
			this.#membership++;
		} finally {
			this.#duringReloads.delete(meanwhile);
		}
	}

	async insert(id: string, meta: IndexedMeta, by: OpenedBy, now?: number): Promise<void> {
		await this.repo.insert(id, meta, by, now);
		// After the write: no has() sees an incident that is not stored.
		this.#note(id, true);
	}

	async remove(id: string): Promise<void> {
		await this.repo.remove(id);
		this.#note(id, false);
	}

	exists(id: string): Promise<boolean> {
		return this.repo.exists(id);
	}

	get(id: string): Promise<IncidentSummary | undefined> {
		return this.repo.get(id);
	}

	count(): Promise<number> {
		return this.repo.count();
	}

	ids(): Promise<string[]> {
		return this.repo.ids();
	}

	update(id: string, meta: IndexedMeta, now?: number): Promise<boolean> {
		return this.repo.update(id, meta, now);
	}

	list(filter?: IndexFilter): Promise<IncidentSummary[]> {
		return this.repo.list(filter);
	}

	grantViewer(incidentId: string, userId: string, grantedBy: string | null, now?: number): Promise<void> {
		return this.repo.grantViewer(incidentId, userId, grantedBy, now);
	}

	revokeViewer(incidentId: string, userId: string): Promise<boolean> {
		return this.repo.revokeViewer(incidentId, userId);
	}

	isViewerOf(incidentId: string, userId: string): Promise<boolean> {
		return this.repo.isViewerOf(incidentId, userId);
	}

	viewersOf(incidentId: string): Promise<ViewerGrantRow[]> {
		return this.repo.viewersOf(incidentId);
	}

	/** The membership and its version change in one step. */
	#note(id: string, exists: boolean): void {
		if (exists) this.#ids.add(id);
		else this.#ids.delete(id);
		this.#membership++;
		for (const meanwhile of this.#duringReloads) meanwhile.push([id, exists]);
	}
}
