/**
 * The servers under test, each started as its own child process so that it shares no process
 * with the clients and its CPU time and memory can be read from /proc:
 * - `ours`: Sitroom (`server/start.ts`) with the durable SQLite store, synchronous=full;
 * - `reference`: stock @y/websocket-server@0.1.1, in memory (bench/reference-server.ts);
 * - `durable`: the same stock server with its own documented persistence: `YPERSISTENCE=<dir>`
 *   makes it store every update in LevelDB through y-leveldb (its optional dependency). It writes
 *   each update as it applies it, without waiting for the write before it shows the update to
 *   others, and never fsyncs: durable against a killed process once LevelDB's write lands, not
 *   against a power cut, which ours is (the comparison favours it).
 *
 * Ours runs as `npm start` runs it, compiled by esbuild (`node scripts/run-server.mjs
 * server/start.ts`); the reference as `node --import tsx <entry>`. Neither through `npx` or the
 * tsx CLI, which each add a parent process: /proc must be read for the process that serves.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, makeTempDir, removeTempDir, sleep, stopChild, track } from './processes.ts';

export type TargetId = 'ours' | 'reference' | 'durable';

export const TARGET_IDS: readonly TargetId[] = ['ours', 'reference', 'durable'];

export const TARGET_LABELS: Record<TargetId, string> = {
	ours: 'Sitroom (SQLite log, synchronous=full)',
	reference: '@y/websocket-server@0.1.1 (in memory)',
	durable: '@y/websocket-server@0.1.1 with its persistence (YPERSISTENCE, y-leveldb)'
};

export interface ServerUnderTest {
	readonly target: TargetId;
	/** The process that serves (read its /proc entries). */
	readonly pid: number;
	/** What a y-websocket WebsocketProvider takes as its server URL (the room name is appended). */
	readonly providerUrl: string;
	/**
	 * Query parameters every client must send (our server: a realtime token of a signed-in demo
	 * account; the reference: none). Asked again after a restart.
	 */
	clientParams(): Promise<Record<string, string>>;
	/** Whether `restart` brings the documents back (only a durable server can). */
	readonly durable: boolean;
	/** Stops the server gracefully and starts it again on the same port and data. */
	restart(): Promise<void>;
	/** Stops the server and removes its data. */
	stop(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = ['--import', 'tsx'];
/** The demo accounts' password on the benchmark's own throwaway server. */
const BENCH_PASSWORD = 'bench-only-demo-password';
const BENCH_USER = 'commander';

export interface ServerStartOptions {
	/** Write a V8 CPU profile of the server process into this directory when it stops. */
	cpuProfileDir?: string;
	/** Our server's SQLITE_SYNCHRONOUS (default full). */
	sqliteSync?: 'full' | 'normal';
	/** Our server's store (default sqlite); memory is not durable and cannot restart with data. */
	store?: 'sqlite' | 'memory';
	/** Run with --perf-basic-prof, so that perf can name JavaScript frames (bench/perf-record.ts). */
	perfMap?: boolean;
}

export function startServer(target: TargetId, opts: ServerStartOptions = {}): Promise<ServerUnderTest> {
	// One folder per server: V8 names each profile by date and process id.
	const nodeArgs = [
		...(opts.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(opts.cpuProfileDir, target)}`] : []),
		...(opts.perfMap ? ['--perf-basic-prof'] : [])
	];
	return target === 'ours'
		? startOurs(nodeArgs, opts.sqliteSync ?? 'full', opts.store ?? 'sqlite')
		: startReference([...TSX, ...nodeArgs], target === 'durable');
}

async function startOurs(
	nodeArgs: string[],
	sqliteSync: 'full' | 'normal',
	store: 'sqlite' | 'memory'
): Promise<ServerUnderTest> {
	const port = await freePort();
	const dataDir = makeTempDir('sitroom-bench-');
	const env = {
		...process.env,
		SERVE_APP: '0',
		HOST: '127.0.0.1',
		PORT: String(port),
		DATA_DIR: dataDir,
		SITROOM_STORE: store,
		SQLITE_SYNCHRONOUS: sqliteSync,
		// warn: the 'listening' line is at info, so the port is chosen here and polled.
		LOG_LEVEL: 'warn',
		// Clients sign in as a demo account and join ad hoc rooms (not incidents).
		SITROOM_DEMO: '1',
		SITROOM_DEMO_PASSWORD: BENCH_PASSWORD,
		ALLOW_ADHOC_ROOMS: '1',
		// A token outlives the longest run, so a client that had to reconnect could.
		REALTIME_TOKEN_TTL_MS: String(60 * 60_000)
	};
	const launch = async (): Promise<ChildProcess> => {
		const child = track(
			spawn(process.execPath, [...nodeArgs, 'scripts/run-server.mjs', 'server/start.ts'], {
				cwd: repoRoot,
				env,
				stdio: ['ignore', 'pipe', 'pipe']
			})
		);
		relayOutput(child, 'ours');
		await waitForHttp(`http://127.0.0.1:${port}/healthz`, child);
		return child;
	};
	let child = await launch();
	return {
		target: 'ours',
		get pid() {
			return child.pid!;
		},
		providerUrl: `ws://127.0.0.1:${port}/yjs`,
		clientParams: () => realtimeToken(`http://127.0.0.1:${port}`),
		durable: store === 'sqlite',
		async restart() {
			// SIGTERM: the server commits, snapshots and closes its rooms before it exits.
			await stopChild(child, 'SIGTERM', 15_000);
			child = await launch();
		},
		async stop() {
			await stopChild(child, 'SIGTERM', 15_000);
			removeTempDir(dataDir);
		}
	};
}

async function startReference(nodeArgs: string[], durable: boolean): Promise<ServerUnderTest> {
	const port = await freePort();
	const dataDir = durable ? makeTempDir('yws-leveldb-bench-') : null;
	const env = {
		...process.env,
		HOST: '127.0.0.1',
		PORT: String(port),
		...(dataDir ? { YPERSISTENCE: dataDir } : {})
	};
	const launch = async (): Promise<ChildProcess> => {
		const child = track(
			fork(path.join(repoRoot, 'bench', 'reference-server.ts'), [], {
				cwd: repoRoot,
				env,
				execArgv: nodeArgs,
				stdio: ['ignore', 'pipe', 'pipe', 'ipc']
			})
		);
		relayOutput(
			child,
			durable ? 'durable reference' : 'reference',
			/reference listening|Persisting documents/
		);
		await waitForHttp(`http://127.0.0.1:${port}/`, child);
		return child;
	};
	let child = await launch();
	return {
		target: durable ? 'durable' : 'reference',
		get pid() {
			return child.pid!;
		},
		providerUrl: `ws://127.0.0.1:${port}`,
		clientParams: () => Promise.resolve({}),
		durable,
		async restart() {
			await stopChild(child, 'SIGTERM', 5_000);
			child = await launch();
		},
		async stop() {
			await stopChild(child, 'SIGTERM', 5_000);
			if (dataDir) removeTempDir(dataDir);
		}
	};
}

/** Signs in as a demo account and asks for a y-websocket token good for any room. */
async function realtimeToken(baseUrl: string): Promise<Record<string, string>> {
	const login = await fetch(`${baseUrl}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username: BENCH_USER, password: BENCH_PASSWORD })
	});
	if (login.status !== 200) throw new Error(`bench sign-in failed: ${login.status} ${await login.text()}`);
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
	const { csrfToken } = (await login.json()) as { csrfToken: string };
	const res = await fetch(`${baseUrl}/api/tokens`, {
		method: 'POST',
		headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
		body: '{}'
	});
	if (res.status !== 201) throw new Error(`bench token request failed: ${res.status} ${await res.text()}`);
	const { token } = (await res.json()) as { token: string };
	return { token };
}

/** Anything a server prints (at warn level and above for ours) is worth seeing. */
function relayOutput(child: ChildProcess, name: string, ignore?: RegExp): void {
	let printed = 0;
	const relay = (chunk: Buffer): void => {
		for (const line of chunk.toString('utf8').split('\n')) {
			if (!line.trim() || ignore?.test(line)) continue;
			if (printed++ < 20) console.error(`  [${name} server] ${line.slice(0, 300)}`);
			else if (printed === 21) console.error(`  [${name} server] … (further output suppressed)`);
		}
	};
	child.stdout?.on('data', relay);
	child.stderr?.on('data', relay);
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
	const t0 = Date.now();
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`server process exited (${child.exitCode ?? child.signalCode}) before it served ${url}`
			);
		}
		try {
			const res = await fetch(url);
			if (res.ok) return;
		} catch {
			// Not listening yet.
		}
		if (Date.now() - t0 > timeoutMs) throw new Error(`server did not answer ${url} within ${timeoutMs} ms`);
		await sleep(50);
	}
}
