/**
 * Who hears what about a warning, as it happens: the server decides. Subscribers are the open
 * event streams (GET /api/warnings/events), each with its account's organisation; an event goes
 * to the targets' staff, the issuer's and the command centre's (who read every warning).
 */
import type { WarningEvent } from '#domain/api/warnings';

export interface WarningAudience {
	issuerOrgId: string;
	targetOrgIds: readonly string[];
}

export type WarningListener = (e: WarningEvent) => void;

interface Subscriber {
	orgId: string;
	/** Reads every warning (the command centre's staff). */
	readsAll: boolean;
	listener: WarningListener;
}

export class WarningEvents {
	readonly #subscribers = new Set<Subscriber>();

	subscribe(orgId: string, readsAll: boolean, listener: WarningListener): () => void {
		const s: Subscriber = { orgId, readsAll, listener };
		this.#subscribers.add(s);
		return () => this.#subscribers.delete(s);
	}

	get size(): number {
		return this.#subscribers.size;
	}

	publish(e: WarningEvent, audience: WarningAudience): void {
		for (const s of this.#subscribers) {
			if (s.readsAll || s.orgId === audience.issuerOrgId || audience.targetOrgIds.includes(s.orgId))
				s.listener(e);
		}
	}
}
