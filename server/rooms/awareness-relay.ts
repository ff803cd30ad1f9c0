/**
 * A room's presence (awareness): relayed between its peers, never persisted, and owned. A
 * connection publishes presence under one awareness client id, the first it announces that no
 * other connection owns; the id stays with that connection's user for the room's life. Entries
 * for any other id are dropped, never applied: stock y-websocket clients send back every presence
 * change they receive (other people's states, and their removal when they leave), and such an
 * echo must neither close the connection nor let it speak for, or hide, someone else.
 */
import type * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { awarenessFrame, Close } from '#domain/protocol';
import { decodeAwareness, type AwarenessEntry } from './frames.ts';
import type { HookRunner } from './hook-runner.ts';
import type { Peer } from './peer.ts';
import { refuseAndClose } from './refusal.ts';

export interface AwarenessRelayOptions {
	/** The room's peers now (presence is relayed to them). */
	peers: ReadonlyMap<Peer, unknown>;
	/** Sends a frame to a peer (false: the peer was closed instead). */
	send(peer: Peer, frame: Uint8Array): boolean;
	hooks: HookRunner;
	/** Largest awareness state (JSON text) per client. */
	maxStateBytes: number;
	/**
	 * Told each change of the presence of this node's peers (stamped), as an awareness update, for
	 * the other nodes holding the room (several nodes). Never persisted.
	 */
	published?: (update: Uint8Array) => void;
}

/** The origin of presence relayed from another node. */
const OTHER_NODE = Symbol('other node');

export class AwarenessRelay {
	readonly #awareness: awarenessProtocol.Awareness;
	readonly #opts: AwarenessRelayOptions;
	/** Awareness client id → the peer that owns it. */
	readonly #owner = new Map<number, Peer>();
	/** Peer → the awareness client ids it has published (removed when it leaves). */
	readonly #idsOf = new Map<Peer, Set<number>>();
	/**
	 * Awareness client id → the user (or, signed out, the connection) that first announced it, for
	 * the room's life. Regression (security review): ids were free again once their connection
	 * left; another member took a dropped user's id, and that user was hidden when they came back.
	 */
	readonly #user = new Map<number, string>();

	constructor(doc: Y.Doc, opts: AwarenessRelayOptions) {
		this.#opts = opts;
		this.#awareness = new awarenessProtocol.Awareness(doc);
		// The server publishes no presence of its own.
		this.#awareness.setLocalState(null);
		this.#awareness.on('update', this.#relay);
	}

	/** Applies a peer's awareness update: its own entries, stamped by the hooks, which may refuse. */
	apply(peer: Peer, update: Uint8Array): void {
		const entries = decodeAwareness(update);
		for (const e of entries) {
			if (e.bytes > this.#opts.maxStateBytes) {
				throw refuseAndClose(
					Close.MessageTooLarge,
					`awareness state of ${e.bytes} bytes exceeds ${this.#opts.maxStateBytes}`
				);
			}
		}
		const who = peer.identity?.userId ?? peer.id;
		const ids = this.#idsOf.get(peer);
		const own = entries.filter((e) => {
			const owner = this.#owner.get(e.clientId);
			if (owner === peer) return true;
			// Another user's id, whether that user is here or not.
			const user = this.#user.get(e.clientId);
			if (user !== undefined && user !== who) return false;
			// This peer's own id if it has none yet and is announcing itself; an id of the same user
			// still held by a connection of theirs the server has not yet seen go moves to this one.
			if ((ids !== undefined && ids.size > 0) || e.state === null) return false;
			if (owner) this.#idsOf.get(owner)?.delete(e.clientId);
			this.#owner.set(e.clientId, peer);
			this.#user.set(e.clientId, who);
			if (ids) ids.add(e.clientId);
			else this.#idsOf.set(peer, new Set([e.clientId]));
			return true;
		});
		if (own.length === 0) return;
		this.#opts.hooks.awareness(peer, own);
		awarenessProtocol.applyAwarenessUpdate(this.#awareness, encodeAwareness(own), peer);
	}

	/**
	 * Presence of peers on another node (stamped there), relayed here. An entry for an id one of
	 * this node's peers publishes under is dropped: nobody speaks for someone else across nodes.
	 */
	applyRemote(update: Uint8Array): void {
		const entries = decodeAwareness(update).filter(
			(e) => !this.#owner.has(e.clientId) && e.bytes <= this.#opts.maxStateBytes
		);
		if (entries.length === 0) return;
		awarenessProtocol.applyAwarenessUpdate(this.#awareness, encodeAwareness(entries), OTHER_NODE);
	}

	/** The presence of everyone in the room as one frame, or null when nobody presents. */
	everyone(): Uint8Array | null {
		const ids = [...this.#awareness.getStates().keys()];
		return ids.length > 0 ? presenceFrame(this.#awareness, ids) : null;
	}

	/**
	 * The presence of this node's own peers as one awareness update (stamped), or null when none
	 * presents: for another node that has just loaded the room (several nodes).
	 */
	local(): Uint8Array | null {
		const states = this.#awareness.getStates();
		const ids = [...this.#owner.keys()].filter((id) => states.has(id));
		return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.#awareness, ids) : null;
	}

	/** Removes a peer's presence (it left); the others are told. Its ids stay with its user. */
	leave(peer: Peer): void {
		const ids = this.#idsOf.get(peer);
		if (!ids) return;
		this.#idsOf.delete(peer);
		for (const id of ids) this.#owner.delete(id);
		if (ids.size > 0) awarenessProtocol.removeAwarenessStates(this.#awareness, [...ids], peer);
	}

	destroy(): void {
		this.#awareness.off('update', this.#relay);
		this.#awareness.destroy();
	}

	/** Sends each change of presence to every peer but the one it came from. */
	#relay = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	): void => {
		const changed = [...added, ...updated, ...removed];
		const { peers, send, published } = this.#opts;
		if (changed.length === 0) return;
		if (published && origin !== OTHER_NODE)
			published(awarenessProtocol.encodeAwarenessUpdate(this.#awareness, changed));
		if (peers.size === 0) return;
		const frame = presenceFrame(this.#awareness, changed);
		for (const peer of peers.keys()) if (peer !== origin) send(peer, frame);
	};
}

function presenceFrame(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
	return awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
}

function encodeAwareness(entries: AwarenessEntry[]): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, entries.length);
	for (const x of entries) {
		encoding.writeVarUint(e, x.clientId);
		encoding.writeVarUint(e, x.clock);
		encoding.writeVarString(e, JSON.stringify(x.state));
	}
	return encoding.toUint8Array(e);
}
