/**
 * Several nodes (REDIS_URL with DATABASE_URL): the Redis relay, this node's id, and the Cluster
 * (server/cluster/) that owns or follows each room, fences the document store's appends with the
 * lease this node holds, and relays presence. Null on a single node.
 */
import { Cluster } from '../cluster/cluster.ts';
import { RedisLoginThrottle } from '../cluster/redis-login-throttle.ts';
import { RedisRelay } from '../cluster/redis-relay.ts';
import { decodeMessage } from '../cluster/wire.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { nodeId } from '../store/postgres/leases.ts';
import type { Stores } from './stores.ts';

/** How often a node re-reads what other nodes may have changed in its in-memory directories. */
export const DIRECTORY_RELOAD_MS = 5000;

export interface ClusterParts {
	cluster: Cluster;
	relay: RedisRelay;
	/** Failed logins counted in Redis, for every node alike. */
	loginThrottle: RedisLoginThrottle;
	/**
	 * Re-reads, every DIRECTORY_RELOAD_MS, the in-memory directories other nodes change (the
	 * organisation tree the guard judges with, the incident index).
	 */
	follow(directories: ReadonlyArray<{ reload(): Promise<void> }>): void;
	/** Stops the cluster's timers and closes Redis; after the rooms closed (their leases released). */
	close(): Promise<void>;
}

export async function openCluster(config: Config, stores: Stores, log: Logger): Promise<ClusterParts | null> {
	if (!config.cluster) return null;
	if (!stores.cluster) throw new Error('several nodes need every store in PostgreSQL (DATABASE_URL)');
	const node = nodeId();
	const clusterLog = log.child({ module: 'cluster' });
	let lastError = 0;
	// Test hook (fault tests only): the owner drops every Nth publish (by sequence number).
	const dropEvery = Number(process.env.SITROOM_TEST_DROP_RELAY_EVERY ?? 0);
	// Test hook (fault tests only): a replica drops every Nth update it forwards to an owner.
	const dropForwardEvery = Number(process.env.SITROOM_TEST_DROP_FORWARD_EVERY ?? 0);
	let forwards = 0;
	const relay = await RedisRelay.connect({
		url: config.cluster.redisUrl,
		prefix: config.cluster.prefix,
		...(dropEvery > 0 ? { dropPublish: (_room: string, seq: number) => seq % dropEvery === 0 } : {}),
		...(dropForwardEvery > 0
			? {
					dropSend: (_name: string, message: Buffer) =>
						decodeMessage<{ kind?: string }>(message)?.header.kind === 'frame' &&
						++forwards % dropForwardEvery === 0
				}
			: {}),
		onError: (err) => {
			// node-redis reconnects by itself; say so once a second at most.
			if (Date.now() - lastError < 1000) return;
			lastError = Date.now();
			clusterLog.warn({ err: String(err) }, 'Redis connection error; reconnecting');
		}
	});
	const cluster = new Cluster({
		node,
		relay,
		leases: stores.cluster.leases,
		store: stores.docs,
		refreshClientOwners: stores.cluster.refreshClientOwners,
		leaseTtlMs: config.cluster.leaseTtlMs,
		log
	});
	stores.cluster.fence(cluster.fence);
	const loginThrottle = new RedisLoginThrottle(relay.commands, relay.prefix, {
		windowMs: config.identity.loginWindowMs,
		perAccount: config.identity.loginMaxFailuresPerAccount,
		perAddress: config.identity.loginMaxFailuresPerAddress
	});
	let follower: NodeJS.Timeout | null = null;
	clusterLog.info({ node, leaseTtlMs: config.cluster.leaseTtlMs }, 'several nodes: this node joined');
	return {
		cluster,
		relay,
		loginThrottle,
		follow(directories) {
			follower = setInterval(() => {
				for (const d of directories)
					d.reload().catch((err: unknown) =>
						clusterLog.warn({ err: String(err) }, 'directory reload failed')
					);
			}, DIRECTORY_RELOAD_MS);
			follower.unref();
		},
		async close() {
			if (follower) clearInterval(follower);
			await cluster.close();
			await relay.close();
		}
	};
}
