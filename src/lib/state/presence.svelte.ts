/**
 * Who is in the room, from awareness: each person's identity as stamped by the server (a client
 * cannot pose as someone else), their map pointer and view, and who is presenting.
 *
 * Presenter mode: the presenter publishes their map view; everyone else follows it until they
 * move the map themselves, and can go back with one click (`follow()`).
 */
import type { Awareness } from 'y-protocols/awareness';
import type { LonLat } from '$lib/domain/incident-doc';
import type { Role } from '$lib/domain/vocabulary';

/** The session's view of this user (see api/session.ts). */
export interface SelfUser {
	id: string;
	displayName: string;
	orgId: string;
	orgName: string;
	role: Role;
}

export interface MapView {
	center: LonLat;
	zoom: number;
}

export interface PresenceUser {
	id: string;
	name: string;
	orgId: string;
	orgName: string;
	role: Role | null;
}

export interface Participant {
	clientId: number;
	self: boolean;
	user: PresenceUser | null;
	pointer: LonLat | null;
	view: MapView | null;
	/** When they started presenting (client clock), or null. */
	presentingSince: number | null;
}

/** What this client publishes; `user` is added by the server. */
export interface LocalPresence {
	pointer: LonLat | null;
	view: MapView | null;
	presentingSince: number | null;
}

export function readUser(v: unknown): PresenceUser | null {
	if (typeof v !== 'object' || v === null) return null;
	const u = v as Record<string, unknown>;
	const str = (x: unknown) => (typeof x === 'string' ? x : '');
	const org = (typeof u.org === 'object' && u.org !== null ? u.org : {}) as Record<string, unknown>;
	return {
		id: str(u.id ?? u.userId),
		name: str(u.name ?? u.displayName ?? u.username),
		// The server stamps `org` as the organisation id; older shapes nest it.
		orgId: str(u.orgId ?? (typeof u.org === 'string' ? u.org : org.id)),
		orgName: str(u.orgName ?? org.name),
		role: (typeof u.role === 'string' ? u.role : null) as Role | null
	};
}

function isLonLat(v: unknown): v is LonLat {
	return Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && Number.isFinite(n));
}

function readView(v: unknown): MapView | null {
	if (typeof v !== 'object' || v === null) return null;
	const o = v as Record<string, unknown>;
	return isLonLat(o.center) && typeof o.zoom === 'number' ? { center: o.center, zoom: o.zoom } : null;
}

export function readParticipant(
	clientId: number,
	state: Record<string, unknown>,
	selfId: number
): Participant {
	return {
		clientId,
		self: clientId === selfId,
		user: readUser(state.user),
		pointer: isLonLat(state.pointer) ? state.pointer : null,
		view: readView(state.view),
		presentingSince: typeof state.presentingSince === 'number' ? state.presentingSince : null
	};
}

/** The presenter is whoever started presenting most recently (a new presenter takes over). */
export function currentPresenter(people: readonly Participant[]): Participant | null {
	let best: Participant | null = null;
	for (const p of people) {
		if (p.presentingSince !== null && (best === null || p.presentingSince > (best.presentingSince ?? 0)))
			best = p;
	}
	return best;
}

export class Presence {
	#people = $state.raw<Participant[]>([]);
	#following = $state(true);
	#awareness: Awareness | null = null;

	get people(): Participant[] {
		return this.#people;
	}
	get others(): Participant[] {
		return this.#people.filter((p) => !p.self);
	}
	get presenter(): Participant | null {
		return currentPresenter(this.#people);
	}
	get presenting(): boolean {
		return this.presenter?.self ?? false;
	}
	/** True when someone else presents and this user follows their view. */
	get following(): boolean {
		const p = this.presenter;
		return p !== null && !p.self && this.#following;
	}

	/**
	 * Reads `awareness` now and on every change. The server stamps `user` on the copies others
	 * receive, not on this client's own state, so this user's identity comes from the session.
	 */
	attach(awareness: Awareness, self: SelfUser | null = null): () => void {
		this.#awareness = awareness;
		const selfUser: PresenceUser | null = self
			? { id: self.id, name: self.displayName, orgId: self.orgId, orgName: self.orgName, role: self.role }
			: null;
		const read = () => {
			const people: Participant[] = [];
			awareness.getStates().forEach((state, id) => {
				const p = readParticipant(id, state as Record<string, unknown>, awareness.clientID);
				people.push(p.self && !p.user ? { ...p, user: selfUser } : p);
			});
			people.sort(
				(a, b) => (a.user?.name ?? '').localeCompare(b.user?.name ?? '') || a.clientId - b.clientId
			);
			this.#people = people;
		};
		if (awareness.getLocalState() === null)
			awareness.setLocalState({ pointer: null, view: null, presentingSince: null });
		read();
		awareness.on('change', read);
		return () => {
			awareness.off('change', read);
			if (this.#awareness === awareness) this.#awareness = null;
		};
	}

	#publish(patch: Partial<LocalPresence>): void {
		const a = this.#awareness;
		if (!a) return;
		for (const [k, v] of Object.entries(patch)) a.setLocalStateField(k, v);
	}

	setPointer(p: LonLat | null): void {
		this.#publish({ pointer: p });
	}

	/** Publishes this user's map view (others only use it while this user presents). */
	setView(view: MapView): void {
		this.#publish({ view });
	}

	startPresenting(view: MapView | null): void {
		this.#publish({ presentingSince: Date.now(), ...(view ? { view } : {}) });
	}

	stopPresenting(): void {
		this.#publish({ presentingSince: null });
	}

	/** Whether the user wants to follow a presenter (bound to the map, which clears it on a pan). */
	get followIntent(): boolean {
		return this.#following;
	}
	set followIntent(v: boolean) {
		this.#following = v;
	}

	/** The user moved the map themselves: stop following the presenter. */
	breakAway(): void {
		this.#following = false;
	}

	/** Back to the presenter's view. */
	follow(): void {
		this.#following = true;
	}
}
