/**
 * The owner leases as the cluster uses them: PostgreSQL keeps them (store/postgres/leases.ts,
 * with the fencing epoch its document store checks in every append); the cluster sees this
 * interface only.
 */
export interface Lease {
	room: string;
	node: string;
	epoch: number;
}

export type Acquired = { ok: true; lease: Lease } | { ok: false; owner: Lease; remainingMs: number };

export interface LeaseStore {
	/** Takes a free or expired lease, or renews this node's; otherwise says who holds it. */
	acquire(room: string, node: string, ttlMs: number): Promise<Acquired>;
	/** Extends a lease still held under its epoch; false once another node took it over. */
	renew(lease: Lease, ttlMs: number): Promise<boolean>;
	/** Gives a lease up at once, so the next owner need not wait for it to expire. */
	release(lease: Lease): Promise<void>;
	/** Who holds the lease now, if anyone (an expired lease is no one's). */
	holder(room: string): Promise<{ lease: Lease; remainingMs: number } | undefined>;
}
