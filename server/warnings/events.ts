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
	/** Ends the subscriber's stream (the server is stopping). */
	end: () => void;
}

export class WarningEvents {
	readonly #subscribers = new Set<Subscriber>();

	subscribe(
		orgId: string,
		readsAll: boolean,
		listener: WarningListener,
		end: () => void = () => {}
	): () => void {
		const s: Subscriber = { orgId, readsAll, listener, end };
		this.#subscribers.add(s);
		return () => this.#subscribers.delete(s);
	}

	/**
	 * Ends every open stream: called when the server starts stopping, since an open event stream
	 * would otherwise hold the HTTP server's close (and the shutdown) for as long as the page stays.
	 * The pages reconnect to the restarted server by themselves (EventSource).
	 */
	close(): void {
		const all = [...this.#subscribers];
		this.#subscribers.clear();
		for (const s of all) s.end();
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
