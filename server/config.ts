/**
 * Configuration from the environment, validated once at start. Every option has a default
 * that works on a fresh machine with nothing else installed.
 */
import path from 'node:path';
import { z } from 'zod';

const MiB = 1024 * 1024;

const bool = z
	.enum(['0', '1', 'true', 'false', 'yes', 'no'])
	.transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('0.0.0.0'),
	DATA_DIR: z.string().default('./data'),
	SITROOM_STORE: z.enum(['sqlite', 'memory']).default('sqlite'),
	/** 'full' fsyncs each group commit; 'normal' survives a killed process but not a power cut. */
	SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
	MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(10 * MiB),
	MAX_AWARENESS_STATE_BYTES: z.coerce.number().int().positive().default(16 * 1024),
	ROOM_IDLE_MS: z.coerce.number().int().positive().default(60_000),
	SNAPSHOT_EVERY: z.coerce.number().int().positive().default(1000),
	SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	/** Serve the built SvelteKit app (off in `npm run dev`, where Vite serves it). */
	SERVE_APP: bool.default(true),
	JURISDICTION_DIR: z.string().default('./jurisdiction/chaotian')
});

export type Config = {
	port: number;
	host: string;
	dataDir: string;
	store: 'sqlite' | 'memory';
	sqliteSynchronous: 'full' | 'normal';
	maxMessageBytes: number;
	maxAwarenessStateBytes: number;
	roomIdleMs: number;
	snapshotEvery: number;
	shutdownGraceMs: number;
	logLevel: string;
	serveApp: boolean;
	jurisdictionDir: string;
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
	return {
		port: e.PORT,
		host: e.HOST,
		dataDir: path.resolve(e.DATA_DIR),
		store: e.SITROOM_STORE,
		sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
		maxMessageBytes: e.MAX_MESSAGE_BYTES,
		maxAwarenessStateBytes: e.MAX_AWARENESS_STATE_BYTES,
		roomIdleMs: e.ROOM_IDLE_MS,
		snapshotEvery: e.SNAPSHOT_EVERY,
		shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
		logLevel: e.LOG_LEVEL,
		serveApp: e.SERVE_APP,
		jurisdictionDir: path.resolve(e.JURISDICTION_DIR)
	};
}
