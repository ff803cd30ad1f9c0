/**
 * Owner leases: which node owns a room (an incident) and may write its log, recorded in
 * PostgreSQL with a fencing epoch (`room_leases`, ./schema.ts).
 *
 * A node acquires a free or expired lease, or renews its own; taking over another node's expired
 * lease raises the epoch. The owner writes its appends fenced with the epoch it holds
 * (PgDocStore's `fence`): the append's transaction reads the lease row FOR SHARE and fails with
 * FencedWriteError unless the row still names this node and epoch, so an owner that was paused
 * past its lease (a long GC, a frozen VM) and taken over cannot write, whatever it believes; and
 * a takeover waits for an append in flight to commit, never the other way round.
 *
 * Expiry is judged by the database's clock (clock_timestamp()), never a node's. Node ids must be
 * unique per process (nodeId()), so a restarted node takes its old leases over with a new epoch.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { PgPool } from './database.ts';

export interface Lease {
	room: string;
	node: string;
	epoch: number;
}

export type Acquired =
	| { ok: true; lease: Lease }
	/** Another node holds it: who, and for how much longer (ms, by the database's clock). */
	| { ok: false; owner: Lease; remainingMs: number };

/** A node id for this process: host, pid and randomness, never reused by a restart. */
export const nodeId = (): string => `${os.hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;

export class PgLeases {
	constructor(private readonly pool: PgPool) {}

	/**
	 * Takes the lease of `room` for `node` for `ttlMs` if it is free, expired or already this
	 * node's (then it is renewed with the same epoch); otherwise says who holds it.
	 */
	async acquire(room: string, node: string, ttlMs: number): Promise<Acquired> {
		const res = await this.pool.query<{ node: string; epoch: number }>(
			`INSERT INTO room_leases AS l (room, node, epoch, expires_at)
			 VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
			 ON CONFLICT (room) DO UPDATE SET
				node = excluded.node,
				epoch = CASE WHEN l.node = excluded.node THEN l.epoch ELSE l.epoch + 1 END,
				expires_at = excluded.expires_at
			 WHERE l.node = excluded.node OR l.expires_at <= clock_timestamp()
			 RETURNING node, epoch`,
			[room, node, ttlMs]
		);
		const mine = res.rows[0];
		if (mine) return { ok: true, lease: { room, node: mine.node, epoch: mine.epoch } };
		const held = await this.holder(room);
		if (!held) return this.acquire(room, node, ttlMs); // released meanwhile
		return { ok: false, owner: held.lease, remainingMs: held.remainingMs };
	}

	/** Extends a lease this node still holds under this epoch; false if it was taken over. */
	async renew(lease: Lease, ttlMs: number): Promise<boolean> {
		const res = await this.pool.query(
			`UPDATE room_leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
			 WHERE room = $1 AND node = $2 AND epoch = $3`,
			[lease.room, lease.node, lease.epoch, ttlMs]
		);
		return (res.rowCount ?? 0) > 0;
	}

	/** Gives a lease up at once (a graceful stop, an unloaded room), so the next owner need not wait. */
	async release(lease: Lease): Promise<void> {
		await this.pool.query(
			`UPDATE room_leases SET expires_at = clock_timestamp() - interval '1 millisecond'
			 WHERE room = $1 AND node = $2 AND epoch = $3`,
			[lease.room, lease.node, lease.epoch]
		);
	}

	/** Who holds the lease of `room` now, if anyone (an expired lease is no one's). */
	async holder(room: string): Promise<{ lease: Lease; remainingMs: number } | undefined> {
		const res = await this.pool.query<{ node: string; epoch: number; remaining_ms: number }>(
			`SELECT node, epoch, (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::float8 AS remaining_ms
			 FROM room_leases WHERE room = $1 AND expires_at > clock_timestamp()`,
			[room]
		);
		const r = res.rows[0];
		return r && { lease: { room, node: r.node, epoch: r.epoch }, remainingMs: r.remaining_ms };
	}
}
