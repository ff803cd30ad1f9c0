/**
 * Reference data every page needs to show names instead of codes: the jurisdiction's townships
 * and the organisation tree. Loaded once per page load and shared; a failed load is retried on
 * the next call rather than cached, and `refresh` fetches the tree again (administrators change
 * it while rooms are open). Deactivated organisations keep their names (old tasks name them) but
 * are offered to no one, as the server's guard refuses them.
 */
import type { OrgDirectory, OrgInfo } from '$lib/domain/actor';
import type { Township } from '$lib/domain/api/jurisdiction';
import type { FlatOrganisation } from '$lib/domain/api/organisations';
import { fetchJurisdiction } from '../api/incidents.ts';
import { listOrganisations } from '../api/organisations.ts';

class ReferenceData {
	#townships = $state.raw<Township[]>([]);
	#allOrgs = $state.raw<FlatOrganisation[]>([]);
	#orgs = $derived(this.#allOrgs.filter((o) => o.active).map(orgInfo));
	#byOrg = $derived(new Map(this.#orgs.map((o) => [o.id, o])));
	#names = $derived(new Map(this.#allOrgs.map((o) => [o.id, o.name])));
	#byTownship = $derived(new Map(this.#townships.map((t) => [t.code, t])));
	#loading: Promise<void> | null = null;

	get townships(): Township[] {
		return this.#townships;
	}
	/** The active organisations, in tree order: what pickers offer. */
	get organisations(): OrgInfo[] {
		return this.#orgs;
	}
	/** The directory the permission policy consults (active organisations, as the server's). */
	get directory(): OrgDirectory {
		const byOrg = this.#byOrg;
		return { get: (id) => byOrg.get(id) };
	}

	townshipName(code: string | null | undefined): string {
		if (!code) return '';
		return this.#byTownship.get(code)?.name ?? code;
	}
	orgName(id: string | null | undefined): string {
		if (!id) return '';
		return this.#names.get(id) ?? id;
	}
	township(code: string): Township | undefined {
		return this.#byTownship.get(code);
	}

	load(): Promise<void> {
		this.#loading ??= Promise.all([fetchJurisdiction(), listOrganisations()]).then(
			([j, orgs]) => {
				this.#townships = j.townships;
				this.#allOrgs = orgs;
			},
			(err: unknown) => {
				this.#loading = null;
				throw err;
			}
		);
		return this.#loading;
	}

	/** Fetches the organisation tree again (after it loaded, or loads everything). */
	async refresh(): Promise<void> {
		if (!this.#loading) return this.load();
		await this.#loading;
		this.#allOrgs = await listOrganisations();
	}
}

function orgInfo(o: FlatOrganisation): OrgInfo {
	return { id: o.id, name: o.name, kind: o.kind, parentId: o.parentId, township: o.township };
}

export const reference = new ReferenceData();
