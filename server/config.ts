/**
 * Configuration from the environment, validated once at start. Every option has a default
 * that works on a fresh machine with nothing else installed.
 */
import path from 'node:path';
import { z } from 'zod';
import { FeedAllowlist } from './feeds/allowlist.ts';
import { parseTrustProxy, type TrustProxy } from './transport/trust-proxy.ts';
import { parseAckLimits } from './warnings/ack-limits.ts';

const MiB = 1024 * 1024;
const HOUR = 3_600_000;

const bool = z
	.enum(['0', '1', 'true', 'false', 'yes', 'no'])
	.transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('0.0.0.0'),
	DATA_DIR: z.string().default('./data'),
	SITROOM_STORE: z.enum(['sqlite', 'memory']).default('sqlite'),
	/**
	 * postgres://… : every store (the document log and snapshots, every repository) in this
	 * PostgreSQL database instead of SQLite (server/store/postgres/). Unset: SQLite under DATA_DIR.
	 */
	DATABASE_URL: z.string().url().optional(),
	/** The schema inside DATABASE_URL's database the stores use (created if missing); default public. */
	DATABASE_SCHEMA: z
		.string()
		.regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and underscores')
		.optional(),
	/**
	 * redis://… : several nodes on one DATABASE_URL (server/cluster/): one owner node per incident
	 * (a lease in PostgreSQL), committed updates and presence relayed over Redis. Needs DATABASE_URL.
	 */
	REDIS_URL: z.string().url().optional(),
	/** Prefix of every Redis key and channel, so several deployments can share one Redis. */
	REDIS_PREFIX: z
		.string()
		.regex(/^[A-Za-z0-9_.-]{1,40}$/)
		.default('sitroom'),
	/**
	 * How long an incident's owner lease lasts without renewal (renewed every third of it): the
	 * longest an incident waits for a new owner after its owner died.
	 */
	LEASE_TTL_MS: z.coerce.number().int().min(500).max(60_000).default(3000),
	/** 'full' fsyncs each group commit; 'normal' survives a killed process but not a power cut. */
	SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
	/**
	 * With 'full': the least time between two fsyncs of the document log. A change is
	 * shown to others once written (it survives a killed process) and its author hears "saved"
	 * once it is on disk, at most this long later. 0 fsyncs as often as the disk allows.
	 */
	SYNC_INTERVAL_MS: z.coerce.number().int().min(0).max(1000).default(100),
	/**
	 * When others see a change: 'written' once it is in the log (survives a killed process), or
	 * 'disk' only once the log's fsync covers it (survives a power cut too; broadcasts then wait
	 * up to SYNC_INTERVAL_MS, so set that low).
	 */
	VISIBLE_AFTER: z.enum(['written', 'disk']).default('written'),
	MAX_MESSAGE_BYTES: z.coerce
		.number()
		.int()
		.positive()
		.default(10 * MiB),
	MAX_AWARENESS_STATE_BYTES: z.coerce
		.number()
		.int()
		.positive()
		.default(16 * 1024),
	/** Bytes queued for one connection that does not read before it is closed as too slow. */
	MAX_QUEUED_BYTES: z.coerce
		.number()
		.int()
		.positive()
		.default(32 * MiB),
	ROOM_IDLE_MS: z.coerce.number().int().positive().default(60_000),
	SNAPSHOT_EVERY: z.coerce.number().int().positive().default(1000),
	SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	/** Serve the built SvelteKit app (off in `npm run dev`, where Vite serves it). */
	SERVE_APP: bool.default(true),
	JURISDICTION_DIR: z.string().default('./jurisdiction/chaotian'),
	// Identity (see docs/identity.md). Unset SITROOM_DEMO means demo accounts on an empty store.
	SITROOM_DEMO: bool.optional(),
	SITROOM_DEMO_PASSWORD: z.string().min(8).max(200).optional(),
	COOKIE_SECURE: bool.default(false),
	SESSION_MAX_AGE_MS: z.coerce
		.number()
		.int()
		.positive()
		.default(72 * HOUR),
	SESSION_IDLE_MS: z.coerce
		.number()
		.int()
		.positive()
		.default(12 * HOUR),
	SESSION_ROTATE_MS: z.coerce
		.number()
		.int()
		.positive()
		.default(15 * 60_000),
	SESSION_ROTATE_GRACE_MS: z.coerce.number().int().nonnegative().default(60_000),
	REALTIME_TOKEN_TTL_MS: z.coerce
		.number()
		.int()
		.positive()
		.default(5 * 60_000),
	LOGIN_WINDOW_MS: z.coerce
		.number()
		.int()
		.positive()
		.default(15 * 60_000),
	LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
	LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(50),
	IDENTITY_SWEEP_MS: z.coerce.number().int().positive().default(1000),
	/**
	 * Reverse proxies whose X-Forwarded-For gives the client's address (transport/trust-proxy.ts);
	 * empty: none, the socket's own address counts.
	 */
	TRUST_PROXY: z
		.string()
		.default('')
		.superRefine((v, ctx) => {
			try {
				parseTrustProxy(v);
			} catch (err) {
				ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
			}
		}),
	/** Extra origins (comma-separated) allowed to log in and open cookie-authenticated sockets. */
	TRUSTED_ORIGINS: z.string().default(''),
	// Incidents and feeds (see server/incidents/setup.ts).
	/**
	 * Rooms that are not incidents may be joined by any signed-in user, and are not guarded: for the
	 * realtime core's tests, the benchmark and the development page /dev/room only. Unsafe anywhere
	 * else. Default off.
	 */
	ALLOW_ADHOC_ROOMS: bool.default(false),
	/** Hosts or networks, each with its port (feeds/allowlist.ts), the server may contact to check HLS feeds; empty = none. */
	FEED_CHECK_ALLOW: z
		.string()
		.default('')
		.superRefine((v, ctx) => {
			try {
				new FeedAllowlist(v);
			} catch (err) {
				ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
			}
		}),
	FEED_CHECK_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
	FEED_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
	FEED_HEALTH_REFRESH_MS: z.coerce.number().int().min(1000).default(600_000),
	FEED_CHECK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
	/** Time between checks of the standing camera register's streams (registers/camera-health.ts); 0 = none. */
	CAMERA_CHECK_INTERVAL_MS: z.coerce
		.number()
		.int()
		.refine((v) => v === 0 || v >= 1000, '0 (off) or at least 1000')
		.default(300_000),
	/** Days a position fix is kept (positions/track-retention.ts); 0 = kept for ever. */
	POSITION_RETENTION_DAYS: z.coerce.number().min(0).max(36_500).default(30),
	/** Time between two retention purges of the position fixes. */
	POSITION_PURGE_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
	/** Optional online map layers as JSON (src/lib/domain/map-layers.ts), or a file holding it. */
	MAP_LAYERS: z.string().optional(),
	MAP_LAYERS_FILE: z.string().optional(),
	/** Seconds to acknowledge a warning by level, e.g. `red=300,orange=600` (warnings/ack-limits.ts). */
	WARNING_ACK_LIMITS: z
		.string()
		.default('')
		.superRefine((v, ctx) => {
			try {
				parseAckLimits(v);
			} catch (err) {
				ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
			}
		})
});

export interface FeedCheckConfig {
	allow: string;
	intervalMs: number;
	timeoutMs: number;
	refreshMs: number;
	concurrency: number;
	/** The camera register's sweep; 0 = no periodic checks. */
	cameraIntervalMs: number;
}

/** The documented default demo password; production mode refuses it. */
export const DEFAULT_DEMO_PASSWORD = 'sitroom-demo';

export interface IdentityConfig {
	/** 'auto': demo accounts only when the store has no users yet. */
	demo: 'auto' | boolean;
	demoPassword: string;
	cookieSecure: boolean;
	sessionMaxAgeMs: number;
	sessionIdleMs: number;
	sessionRotateMs: number;
	sessionRotateGraceMs: number;
	realtimeTokenTtlMs: number;
	loginWindowMs: number;
	loginMaxFailuresPerAccount: number;
	loginMaxFailuresPerAddress: number;
	/** How often live connections are checked against their session and account. */
	sweepMs: number;
	trustedOrigins: string[];
}

export type Config = {
	port: number;
	host: string;
	dataDir: string;
	store: 'sqlite' | 'memory';
	/** DATABASE_URL: PostgreSQL for every store (null: SQLite, or memory). */
	database: { url: string; schema: string | null } | null;
	/** REDIS_URL: several nodes (null: this node is the only one). */
	cluster: { redisUrl: string; prefix: string; leaseTtlMs: number } | null;
	sqliteSynchronous: 'full' | 'normal';
	syncIntervalMs: number;
	visibleAfter: 'written' | 'disk';
	maxMessageBytes: number;
	maxAwarenessStateBytes: number;
	maxQueuedBytes: number;
	roomIdleMs: number;
	snapshotEvery: number;
	shutdownGraceMs: number;
	logLevel: string;
	serveApp: boolean;
	trustProxy: TrustProxy;
	jurisdictionDir: string;
	identity: IdentityConfig;
	allowAdhocRooms: boolean;
	feedChecks: FeedCheckConfig;
	mapLayers: { json: string | null; file: string | null };
	/** Position fixes older than this are purged (ms); 0 = never. */
	positionRetentionMs: number;
	positionPurgeIntervalMs: number;
	warningAckLimitsS: ReturnType<typeof parseAckLimits>;
	/** WARNING_WEBHOOK_SECRET_* variables: the HMAC secrets of the outbound webhooks, by name. */
	warningWebhookSecrets: Readonly<Record<string, string>>;
};

export class ConfigError extends Error {
	override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const parsed = schema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	if (e.REDIS_URL && !e.DATABASE_URL) {
		throw new ConfigError(
			'invalid configuration:\n  REDIS_URL: several nodes share one PostgreSQL database; set DATABASE_URL too'
		);
	}
	return {
		port: e.PORT,
		host: e.HOST,
		dataDir: path.resolve(e.DATA_DIR),
		store: e.SITROOM_STORE,
		database: e.DATABASE_URL ? { url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA ?? null } : null,
		cluster: e.REDIS_URL
			? { redisUrl: e.REDIS_URL, prefix: e.REDIS_PREFIX, leaseTtlMs: e.LEASE_TTL_MS }
			: null,
		sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
		syncIntervalMs: e.SYNC_INTERVAL_MS,
		visibleAfter: e.VISIBLE_AFTER,
		maxMessageBytes: e.MAX_MESSAGE_BYTES,
		maxAwarenessStateBytes: e.MAX_AWARENESS_STATE_BYTES,
		maxQueuedBytes: e.MAX_QUEUED_BYTES,
		roomIdleMs: e.ROOM_IDLE_MS,
		snapshotEvery: e.SNAPSHOT_EVERY,
		shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
		logLevel: e.LOG_LEVEL,
		serveApp: e.SERVE_APP,
		trustProxy: parseTrustProxy(e.TRUST_PROXY),
		jurisdictionDir: path.resolve(e.JURISDICTION_DIR),
		identity: identityConfig(e),
		// Regression (security review): ad hoc rooms were on in the demo's default configuration, so
		// every signed-in user (the read-only leader too) could write unguarded documents.
		allowAdhocRooms: e.ALLOW_ADHOC_ROOMS,
		feedChecks: {
			allow: e.FEED_CHECK_ALLOW,
			intervalMs: e.FEED_CHECK_INTERVAL_MS,
			timeoutMs: e.FEED_CHECK_TIMEOUT_MS,
			refreshMs: e.FEED_HEALTH_REFRESH_MS,
			concurrency: e.FEED_CHECK_CONCURRENCY,
			cameraIntervalMs: e.CAMERA_CHECK_INTERVAL_MS
		},
		positionRetentionMs: Math.round(e.POSITION_RETENTION_DAYS * 86_400_000),
		positionPurgeIntervalMs: e.POSITION_PURGE_INTERVAL_MS,
		warningAckLimitsS: parseAckLimits(e.WARNING_ACK_LIMITS),
		// The secrets of the county's outbound webhooks (warnings.json names each by its variable).
		warningWebhookSecrets: Object.fromEntries(
			Object.entries(env).filter(
				(kv): kv is [string, string] => kv[0].startsWith('WARNING_WEBHOOK_SECRET_') && !!kv[1]
			)
		),
		mapLayers: {
			json: e.MAP_LAYERS ?? null,
			file: e.MAP_LAYERS_FILE ? path.resolve(e.MAP_LAYERS_FILE) : null
		}
	};
}

function identityConfig(e: z.infer<typeof schema>): IdentityConfig {
	const demo = e.SITROOM_DEMO ?? 'auto';
	// A production deployment copied from a demo setup must not keep the published password.
	if (demo === false && e.SITROOM_DEMO_PASSWORD === DEFAULT_DEMO_PASSWORD) {
		throw new ConfigError(
			'production mode (SITROOM_DEMO=0) refuses SITROOM_DEMO_PASSWORD set to the documented default; unset it or choose another'
		);
	}
	return {
		demo,
		demoPassword: e.SITROOM_DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD,
		cookieSecure: e.COOKIE_SECURE,
		sessionMaxAgeMs: e.SESSION_MAX_AGE_MS,
		sessionIdleMs: e.SESSION_IDLE_MS,
		sessionRotateMs: e.SESSION_ROTATE_MS,
		sessionRotateGraceMs: e.SESSION_ROTATE_GRACE_MS,
		realtimeTokenTtlMs: e.REALTIME_TOKEN_TTL_MS,
		loginWindowMs: e.LOGIN_WINDOW_MS,
		loginMaxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
		loginMaxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
		sweepMs: e.IDENTITY_SWEEP_MS,
		trustedOrigins: e.TRUSTED_ORIGINS.split(',')
			.map((o) => o.trim())
			.filter((o) => o.length > 0)
	};
}
