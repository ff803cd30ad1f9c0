/**
 * Reference data every page needs to show names instead of codes: the jurisdiction's townships
 * and the organisation tree. Loaded once per page load and shared; a failed load is retried on
 * the next call rather than cached.
 */
import type { OrgDirectory, OrgInfo } from '$lib/domain/actor';
import type { Township } from '$lib/domain/api/jurisdiction';
import { fetchJurisdiction } from '../api/incidents.ts';
import { listOrganisations } from '../api/organisations.ts';

class ReferenceData {
	#townships = $state.raw<Township[]>([]);
	#orgs = $state.raw<OrgInfo[]>([]);
	#byOrg = $derived(new Map(this.#orgs.map((o) => [o.id, o])));
	#byTownship = $derived(new Map(this.#townships.map((t) => [t.code, t])));
	#loading: Promise<void> | null = null;

	get townships(): Township[] {
		return this.#townships;
	}
	get organisations(): OrgInfo[] {
		return this.#orgs;
	}
	/** The directory the permission policy consults. */
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
		return this.#byOrg.get(id)?.name ?? id;
	}
	township(code: string): Township | undefined {
		return this.#byTownship.get(code);
	}

	load(): Promise<void> {
		this.#loading ??= Promise.all([fetchJurisdiction(), listOrganisations()]).then(
			([j, orgs]) => {
				this.#townships = j.townships;
				this.#orgs = orgs;
			},
			(err: unknown) => {
				this.#loading = null;
				throw err;
			}
		);
		return this.#loading;
	}
}

export const reference = new ReferenceData();
