/**
 * Where a change to a room's document comes from. The room gives one of these as the Yjs
 * transaction origin of every change it applies and hands it, with the committed update, to the
 * onCommitted hooks: it decides what is logged, under whose name, and who is not sent the update
 * back.
 */
import type { Peer } from './peer.ts';

/** The user a server-made change is done for (opening an incident through REST, …). */
export interface ActingFor {
	userId: string;
	orgId: string;
}

/** An update a peer sent: logged under its user and connection, not echoed to it. */
export interface PeerOrigin {
	readonly kind: 'peer';
	readonly peer: Peer;
}

/** A change the server made for a user (logged under that user) or for itself (`actingFor` null). */
export interface ServerOrigin {
	readonly kind: 'server';
	readonly actingFor: ActingFor | null;
}

/** The stored state, decoded when a room loads: logged already, never logged again. */
export interface LoadOrigin {
	readonly kind: 'load';
}

/**
 * A change already committed on another node, with that node and the sequence number it got
 * there: applied and broadcast here, never logged or attributed again.
 */
export interface RelayOrigin {
	readonly kind: 'relay';
	readonly node: string;
	readonly seq: number;
}

export type ChangeOrigin = PeerOrigin | ServerOrigin | LoadOrigin | RelayOrigin;

/** The origins of updates that are committed (a load's are committed already). */
export type CommittedOrigin = Exclude<ChangeOrigin, LoadOrigin>;

/** Every origin made here, so that one read back from Yjs is recognised by identity, not by shape. */
const made = new WeakSet<object>();

function register<T extends ChangeOrigin>(origin: T): T {
	made.add(origin);
	return Object.freeze(origin);
}

export const LOAD: LoadOrigin = register({ kind: 'load' });

/** The server's own changes (feed health). */
export const SERVER_ITSELF: ServerOrigin = register({ kind: 'server', actingFor: null });

/** Made once per peer when it joins: every update it sends carries the same origin. */
export function peerOrigin(peer: Peer): PeerOrigin {
	return register({ kind: 'peer', peer });
}

export function serverOrigin(actingFor: ActingFor | null): ServerOrigin {
	return actingFor === null ? SERVER_ITSELF : register({ kind: 'server', actingFor: { ...actingFor } });
}

export function relayOrigin(from: { node: string; seq: number }): RelayOrigin {
	return register({ kind: 'relay', node: from.node, seq: from.seq });
}

/**
 * The origin of a Yjs transaction. One the room did not start (someone transacting on
 * `room.doc` directly, which nothing should) is the server's own change: it is in the document,
 * so it is written like one rather than lost.
 */
export function originOf(transactionOrigin: unknown): ChangeOrigin {
	return typeof transactionOrigin === 'object' && transactionOrigin !== null && made.has(transactionOrigin)
		? (transactionOrigin as ChangeOrigin)
		: SERVER_ITSELF;
}
