/**
 * Display names for user ids seen in a room (log authors, task updates, attribution). Entities
 * store only ids; names come from the session, from presence (server-stamped) and from the
 * attribution API, whichever has seen the person. Unknown ids fall back to the organisation.
 */
class People {
	#names = $state<Record<string, string>>({});

	remember(userId: string, name: string): void {
		if (userId && name && this.#names[userId] !== name) this.#names[userId] = name;
	}

	name(userId: string | null | undefined): string | null {
		return userId ? (this.#names[userId] ?? null) : null;
	}
}

export const people = new People();
