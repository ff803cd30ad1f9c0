/**
 * The permission guard: the room hooks that make the server the authority on who may change
 * what. Every incoming update is resolved to the entities and fields it touches
 * (inspect-update.ts) and judged by the shared policy (evaluate.ts → #domain/policy) before the
 * room applies it. An update that is malformed, hostile in shape, under someone else's client id
 * or from a read-only role is refused whole: applied, stored and broadcast nowhere, and its sender
 * is told why. Inside a sound update, the changes the policy refuses are undone by the server as
 * the update applies (compensation.ts) and recorded with it (refusal-store.ts). Accepted changes are attributed to the connection's user (attribution-store.ts),
 * written once the update is durable and before anyone is told about it: onCommitted resolves
 * once the rows are written, and the room waits for it.
 * Presence is stamped with the server's view of each user.
 */
import * as Y from 'yjs';
import type { OrgDirectory } from '#domain/actor';
import { whyNotWrite } from '#domain/policy';
import { Close } from '#domain/protocol';
import { createLogger, type Logger } from '../log.ts';
import type { CheckUpdatePayload, CommittedPayload, RoomHooks, RoomInfo } from '../rooms/hooks.ts';
import type { Peer } from '../rooms/peer.ts';
import { refuse } from '../rooms/refusal.ts';
import type { AttributionStore, ChangeRow } from './attribution-store.ts';
import { AwarenessBucket, PeerPresence, stampAwareness, type AwarenessRate } from './awareness-stamp.ts';
import { ClientClaims } from './client-claims.ts';
import type { ClientOwnerStore } from './client-owners.ts';
import { describeTransaction } from './describe-transaction.ts';
import { planCompensation } from './compensation.ts';
import { judge, type Change } from './evaluate.ts';
import { inspectUpdate, typeIncidentRoots } from './inspect-update.ts';

export interface GuardOptions {
	orgs: OrgDirectory;
	attribution: AttributionStore;
	/** Which user owns which Yjs client id, per incident (client-owners.ts). */
	clientOwners: ClientOwnerStore;
	clientIdLimits?: ClientIdLimits;
	/**
	 * The server's logger: a failed attribution write is logged here with its room and seqs.
	 * Default: a logger of its own at LOG_LEVEL (for benches and tests that pass none).
	 */
	log?: Logger;
	awarenessRate?: AwarenessRate;
	/**
	 * Which rooms hold incident documents and are guarded (default: all). Ad hoc rooms allowed
	 * for development and the core's tests hold arbitrary shapes; their presence is still stamped.
	 */
	guards?: (roomName: string) => boolean;
}

/** What checkUpdate (or describeChange) hands to onCommitted for one accepted update. */
export class GuardVerdict {
	constructor(readonly changes: readonly Change[]) {}
}

export const DEFAULT_AWARENESS_RATE: AwarenessRate = { perSecond: 20, burst: 20 };

/**
 * How many Yjs client ids one may start writing under. Each one is an entry of the document's
 * state vector, which every join and every sync carries from then on. Regression (security
 * review): one viewer's update of 600,000 GC structs under fresh ids (5 MB) made every join carry
 * a 3.4 MB state vector and block the server for seconds. A browser uses one client id per page
 * load of a room, so these are far above what people do.
 */
export interface ClientIdLimits {
	perUpdate: number;
	perConnection: number;
	/** Per user in one incident, over its whole life. */
	perUserPerIncident: number;
	/**
	 * All users together in one incident. Measured here (yjs 13.6, one core): with 50,000 client
	 * ids a reconnecting client's answer takes 112 ms to work out; with 600,000, 1.5 s, during which
	 * the server serves no other room.
	 */
	perIncident: number;
}

export const DEFAULT_CLIENT_ID_LIMITS: ClientIdLimits = {
	perUpdate: 32,
	perConnection: 64,
	perUserPerIncident: 1_000,
	perIncident: 20_000
};

/** A room's client-id owners, loaded from the store on first use, kept current as bindings are made. */
interface RoomOwners {
	owners: Map<number, string>;
	perUser: Map<string, number>;
}

export function createGuard(opts: GuardOptions): RoomHooks<GuardVerdict> {
	const claims = new WeakMap<RoomInfo, ClientClaims>();
	const owners = new WeakMap<RoomInfo, RoomOwners>();
	/** Client ids each connection has bound. */
	const boundBy = new WeakMap<Peer, number>();
	const limits = opts.clientIdLimits ?? DEFAULT_CLIENT_ID_LIMITS;
	const presences = new WeakMap<Peer, PeerPresence>();
	const rate = opts.awarenessRate ?? DEFAULT_AWARENESS_RATE;
	const log = opts.log ?? createLogger();
	const claimsOf = (room: RoomInfo): ClientClaims => {
		let c = claims.get(room);
		if (!c) claims.set(room, (c = new ClientClaims()));
		return c;
	};
	/** Writes a batch's attribution rows; a failure is logged here with what is lost, never thrown. */
	const record = async (room: string, rows: readonly ChangeRow[]): Promise<void> => {
		// A failed write loses audit rows, never the update (the update log keeps its author either
		// way). The room's hook runner would log the failure too; here it says which rows are lost.
		try {
			await opts.attribution.record(rows);
		} catch (err) {
			log.error(
				{ err, room, seqs: [...new Set(rows.map((r) => r.seq))], rows: rows.length },
				'attribution rows could not be recorded'
			);
		}
	};
	const ownersOf = (room: RoomInfo): RoomOwners => {
		let o = owners.get(room);
		if (!o) {
			const map = opts.clientOwners.ownersOf(room.name);
			const perUser = new Map<string, number>();
			for (const user of map.values()) perUser.set(user, (perUser.get(user) ?? 0) + 1);
			owners.set(room, (o = { owners: map, perUser }));
		}
		return o;
	};

	/**
	 * The client ids of `clients` that `peer` writes under for the first time (to be bound to its
	 * user); refuses ids another user (or the server) owns, and floods of new ids.
	 */
	const newClientsOf = (room: RoomInfo, peer: Peer, userId: string, clients: readonly number[]): number[] => {
		const roomOwners = ownersOf(room);
		const fresh: number[] = [];
		const store = room.doc.store;
		for (const c of clients) {
			const owner = roomOwners.owners.get(c);
			if (owner === userId) continue;
			if (owner !== undefined) {
				throw refuse(
					Close.Forbidden,
					`Yjs client id ${c} belongs to another user in this incident; start a new document`
				);
			}
			// Changes under it and nobody bound: the server's own document wrote them.
			if (c === room.doc.clientID || Y.getState(store, c) > 0)
				throw refuse(Close.Forbidden, `Yjs client id ${c} belongs to the server; start a new document`);
			fresh.push(c);
		}
		if (fresh.length === 0) return fresh;
		if (fresh.length > limits.perUpdate) {
			throw refuse(
				Close.RateLimited,
				`this update starts ${fresh.length} new Yjs client ids; at most ${limits.perUpdate} may start in one update`
			);
		}
		if ((boundBy.get(peer) ?? 0) + fresh.length > limits.perConnection) {
			throw refuse(
				Close.RateLimited,
				`this connection has started ${limits.perConnection} Yjs client ids already; reconnect to start more`
			);
		}
		if (roomOwners.owners.size + fresh.length > limits.perIncident) {
			throw refuse(
				Close.RateLimited,
				`this incident has ${roomOwners.owners.size} Yjs client ids, the most one incident takes is ${limits.perIncident}; tell the system administrator`
			);
		}
		if ((roomOwners.perUser.get(userId) ?? 0) + fresh.length > limits.perUserPerIncident) {
			throw refuse(
				Close.RateLimited,
				`you have written under ${limits.perUserPerIncident} Yjs client ids in this incident, the most allowed`
			);
		}
		return fresh;
	};

	/** Binds `fresh` to the user durably, before the update that uses them is applied. */
	const bind = (room: RoomInfo, peer: Peer, userId: string, fresh: readonly number[]): void => {
		if (fresh.length === 0) return;
		opts.clientOwners.bind(room.name, fresh, userId);
		const roomOwners = ownersOf(room);
		for (const c of fresh) roomOwners.owners.set(c, userId);
		roomOwners.perUser.set(userId, (roomOwners.perUser.get(userId) ?? 0) + fresh.length);
		boundBy.set(peer, (boundBy.get(peer) ?? 0) + fresh.length);
	};

	return {
		name: 'guard',

		checkUpdate({
			room,
			peer,
			update,
			decoded,
			deviceAt,
			compensate
		}: CheckUpdatePayload): GuardVerdict | undefined {
			if (opts.guards && !opts.guards(room.name)) return undefined;
			const actor = peer.identity;
			if (!actor)
				throw refuse(Close.Forbidden, 'sign in to change an incident; anonymous connections only read');
			const { touches, clients } = inspectUpdate(room.doc, update, decoded);
			// Regression (security review): structs that touch no field (a GC run, content deleted as
			// it was inserted, items next to garbage-collected ones) passed for every role, and a
			// viewer's and an administrator's were stored, broadcast and attributed.
			const readOnly = whyNotWrite(actor);
			if (readOnly !== null) {
				if (clients.length > 0 || touches.length > 0) throw refuse(Close.Forbidden, readOnly);
				return new GuardVerdict([]);
			}
			const fresh = newClientsOf(room, peer, actor.userId, clients);
			const roomClaims = claimsOf(room);
			const taken = roomClaims.conflict(peer, clients);
			if (taken !== null) {
				throw refuse(
					Close.Forbidden,
					`Yjs client id ${taken} is in use by another connection; start a new document`
				);
			}
			// Accept and compensate (ARCHITECTURE.md): what the author may not change inside an update
			// that is otherwise sound is undone by the server right after the update applies, and
			// recorded; the rest stands. The plan reads the document as it is before the update.
			const { changes, refused } = judge(actor, touches, opts.orgs, room.doc);
			bind(room, peer, actor.userId, fresh);
			roomClaims.claim(peer, clients);
			if (refused.length > 0) compensate(planCompensation(room.doc, refused, deviceAt));
			return new GuardVerdict(changes);
		},

		onLoaded({ room }): void {
			if (opts.guards && !opts.guards(room.name)) return;
			typeIncidentRoots(room.doc);
		},

		describeChange({ room, transaction }): GuardVerdict | undefined {
			if (opts.guards && !opts.guards(room.name)) return undefined;
			return new GuardVerdict(describeTransaction(transaction));
		},

		onAwareness({ peer, entries }): void {
			let presence = presences.get(peer);
			if (!presence) presences.set(peer, (presence = new PeerPresence(new AwarenessBucket(rate))));
			stampAwareness(entries, peer.identity, presence);
		},

		/** Not async: a batch with nothing to attribute does not keep the room waiting for a promise. */
		onCommitted({ room, updates, resultOf }: CommittedPayload<GuardVerdict>): Promise<void> | undefined {
			const rows: ChangeRow[] = [];
			for (const u of updates) {
				// A relayed update was attributed on the node that committed it.
				if (u.origin.kind === 'relay') continue;
				const verdict = resultOf(u);
				if (verdict === undefined) continue;
				for (const c of verdict.changes) {
					rows.push({
						room: room.name,
						seq: u.seq,
						at: u.at,
						userId: u.userId,
						orgId: u.orgId,
						collection: c.collection,
						entityId: c.entityId,
						field: c.field,
						op: c.op
					});
				}
			}
			if (rows.length === 0) return;
			return record(room.name, rows);
		},

		onLeave({ room, peer }): void {
			claims.get(room)?.release(peer);
		}
	};
}
