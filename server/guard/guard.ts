/**
 * The permission guard: the room hooks that make the server the authority on who may change
 * what. Every incoming update is resolved to the entities and fields it touches
 * (inspect-update.ts) and judged by the shared policy (evaluate.ts → #domain/policy) before the
 * room applies it; a refused update is applied, stored and broadcast nowhere, and its sender is
 * told why. Accepted changes are attributed to the connection's user in the doc_changes table,
 * written once the update is durable and before anyone is told about it (onCommitted).
 * Presence is stamped with the server's view of each user.
 */
import type { OrgDirectory } from '#domain/actor';
import { Close } from '#domain/protocol';
import { createLogger, type Logger } from '../log.ts';
import type { CheckUpdatePayload, CommittedPayload, RoomHooks, RoomInfo } from '../rooms/hooks.ts';
import type { Peer } from '../rooms/peer.ts';
import { refuse } from '../rooms/refusal.ts';
import type { AttributionStore, ChangeRow } from './attribution-store.ts';
import { AwarenessBucket, stampAwareness, type AwarenessRate } from './awareness-stamp.ts';
import { ClientClaims } from './client-claims.ts';
import { describeTransaction } from './describe-transaction.ts';
import { evaluate, type Change } from './evaluate.ts';
import { inspectUpdate } from './inspect-update.ts';

export interface GuardOptions {
	orgs: OrgDirectory;
	attribution: AttributionStore;
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

/** What checkUpdate hands to onCommitted for one accepted update. */
export class GuardVerdict {
	constructor(readonly changes: readonly Change[]) {}
}

function verdictOf(checks: readonly unknown[]): GuardVerdict | null {
	for (const c of checks) if (c instanceof GuardVerdict) return c;
	return null;
}

export const DEFAULT_AWARENESS_RATE: AwarenessRate = { perSecond: 20, burst: 20 };

export function createGuard(opts: GuardOptions): RoomHooks {
	const claims = new WeakMap<RoomInfo, ClientClaims>();
	const buckets = new WeakMap<Peer, AwarenessBucket>();
	const rate = opts.awarenessRate ?? DEFAULT_AWARENESS_RATE;
	const log = opts.log ?? createLogger();
	const claimsOf = (room: RoomInfo): ClientClaims => {
		let c = claims.get(room);
		if (!c) claims.set(room, (c = new ClientClaims()));
		return c;
	};

	return {
		checkUpdate({ room, peer, update, decoded }: CheckUpdatePayload): GuardVerdict | undefined {
			if (opts.guards && !opts.guards(room.name)) return undefined;
			const actor = peer.identity;
			if (!actor)
				throw refuse(Close.Forbidden, 'sign in to change an incident; anonymous connections only read');
			const { touches, clients } = inspectUpdate(room.doc, update, decoded);
			const roomClaims = claimsOf(room);
			const taken = roomClaims.conflict(peer, clients);
			if (taken !== null) {
				throw refuse(
					Close.Forbidden,
					`Yjs client id ${taken} is in use by another connection; start a new document`
				);
			}
			const changes = evaluate(actor, touches, opts.orgs, room.doc);
			roomClaims.claim(peer, clients);
			return new GuardVerdict(changes);
		},

		describeChange({ room, transaction }): GuardVerdict | undefined {
			if (opts.guards && !opts.guards(room.name)) return undefined;
			return new GuardVerdict(describeTransaction(transaction));
		},

		onAwareness({ peer, entries }): void {
			let bucket = buckets.get(peer);
			if (!bucket) buckets.set(peer, (bucket = new AwarenessBucket(rate)));
			stampAwareness(entries, peer.identity, bucket);
		},

		onCommitted({ room, updates }: CommittedPayload): void {
			const rows: ChangeRow[] = [];
			for (const u of updates) {
				const verdict = verdictOf(u.checks);
				if (verdict === null) continue;
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
			// onCommitted must not throw: a failed index write loses audit rows, never the update
			// (doc_updates keeps its author either way).
			try {
				opts.attribution.record(rows);
			} catch (err) {
				log.error(
					{ err, room: room.name, seqs: [...new Set(rows.map((r) => r.seq))], rows: rows.length },
					'attribution rows could not be recorded'
				);
			}
		},

		onLeave({ room, peer }): void {
			claims.get(room)?.release(peer);
		}
	};
}
