/**
 * Runs the real server as `npm start` does (`scripts/run-server.mjs server/start.ts`, compiled) as a
 * child process, so tests can
 * SIGTERM it, SIGKILL it, and restart it on the same data directory. The chosen port is read from
 * the server's JSON log line "sitroom listening".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildExit {
	code: number | null;
	signal: NodeJS.Signals | null;
}

export interface ChildServer {
	readonly url: string;
	readonly pid: number;
	readonly dataDir: string;
	/** Parsed JSON log lines so far (stdout), in order. */
	readonly logs: Array<Record<string, unknown>>;
	/** Non-JSON output and stderr, for failure messages. */
	readonly output: string[];
	/** Resolves when the process has exited. */
	readonly exited: Promise<ChildExit>;
	/** Sends SIGTERM and waits for the exit. */
	terminate(timeoutMs?: number): Promise<ChildExit>;
	/** Sends SIGKILL (kill -9) and waits for the exit. */
	kill(): Promise<ChildExit>;
}

const running = new Set<ChildProcess>();

/** Starts `server/start.ts` with PORT=0 and SERVE_APP=0 on `dataDir`; resolves once it listens. */
export async function startChildServer(
	dataDir: string,
	env: Record<string, string> = {},
	timeoutMs = 20_000
): Promise<ChildServer> {
	const child = spawn(process.execPath, ['scripts/run-server.mjs', 'server/start.ts'], {
		cwd: repoRoot,
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			SERVE_APP: '0',
			LOG_LEVEL: 'info',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	running.add(child);
	const logs: Array<Record<string, unknown>> = [];
	const output: string[] = [];
	const exited = new Promise<ChildExit>((resolve) => {
		child.once('exit', (code, signal) => {
			running.delete(child);
			resolve({ code, signal });
		});
	});

	let listening: (url: string) => void = () => undefined;
	const urlPromise = new Promise<string>((resolve) => (listening = resolve));
	let rest = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => {
		rest += chunk;
		let nl: number;
		while ((nl = rest.indexOf('\n')) >= 0) {
			const line = rest.slice(0, nl);
			rest = rest.slice(nl + 1);
			try {
				const entry = JSON.parse(line) as Record<string, unknown>;
				logs.push(entry);
				if (entry.msg === 'sitroom listening' && typeof entry.url === 'string') listening(entry.url);
			} catch {
				output.push(line);
			}
		}
	});
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (chunk: string) => output.push(chunk));

	let timer: NodeJS.Timeout | undefined;
	const url = await Promise.race([
		urlPromise,
		exited.then((e) => {
			throw new Error(`server exited before listening (${JSON.stringify(e)}):\n${output.join('\n')}`);
		}),
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				child.kill('SIGKILL');
				reject(new Error(`server did not listen within ${timeoutMs} ms:\n${output.join('\n')}`));
			}, timeoutMs);
		})
	]).finally(() => clearTimeout(timer));

	return {
		url,
		pid: child.pid!,
		dataDir,
		logs,
		output,
		exited,
		async terminate(waitMs = 15_000) {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			const t = setTimeout(() => child.kill('SIGKILL'), waitMs);
			const e = await exited;
			clearTimeout(t);
			return e;
		},
		async kill() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
			return exited;
		}
	};
}

/** Kills every child server still running (for afterEach/afterAll). */
export async function killAllChildServers(): Promise<void> {
	const waits = [...running].map(
		(c) =>
			new Promise<void>((resolve) => {
				c.once('exit', () => resolve());
				c.kill('SIGKILL');
			})
	);
	await Promise.all(waits);
}
