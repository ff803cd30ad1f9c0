/**
 * Who hears what about a warning, as it happens: the server decides. Subscribers are the open
 * event streams (GET /api/warnings/events), each with its account's organisation; an event goes
 * to the targets' staff, the issuer's and the command centre's (who read every warning).
 *
 * Several nodes: `relayTo` hands each event raised here to the other nodes too (compose:
 * warning-events-relay.ts, over Redis), which `deliver` it to their own streams only. An event is
 * a hint to re-read (the warning itself is in the database), so a lost one costs a page nothing
 * after its next (re)connection: `resync` ends the streams so the pages reconnect and re-read.
 */
import type { WarningEvent } from '#domain/api/warnings';

export interface WarningAudience {
	issuerOrgId: string;
	targetOrgIds: readonly string[];
}

export type WarningListener = (e: WarningEvent) => void;

/** Hands an event raised on this node to the other nodes (never throws, never blocks). */
export type WarningEventsRelay = (e: WarningEvent, audience: WarningAudience) => void;

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
	#relay: WarningEventsRelay | null = null;

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

	/**
	 * Ends every open stream so that its page reconnects and re-reads what it shows: called when
	 * events of other nodes may have been missed (the Redis connection came back).
	 */
	resync(): void {
		this.close();
	}

	/** Several nodes: each event raised here also goes to `relay` (for the other nodes). */
	relayTo(relay: WarningEventsRelay | null): void {
		this.#relay = relay;
	}

	get size(): number {
		return this.#subscribers.size;
	}

	/** An event raised on this node: to this node's streams, and to the other nodes. */
	publish(e: WarningEvent, audience: WarningAudience): void {
		this.deliver(e, audience);
		this.#relay?.(e, audience);
	}

	/** An event to this node's streams only (one raised on another node arrives here). */
	deliver(e: WarningEvent, audience: WarningAudience): void {
		for (const s of this.#subscribers) {
			if (s.readsAll || s.orgId === audience.issuerOrgId || audience.targetOrgIds.includes(s.orgId))
				s.listener(e);
		}
	}
}
