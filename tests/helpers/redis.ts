/**
 * Redis for tests: a redis-server process of the test's own, on a free port, keeping nothing on
 * disk (as the project's Redis), so a test may kill and restart it without touching anyone else's.
 * Without the redis-server binary the Redis suites are skipped and say so; with
 * SITROOM_REQUIRE_REDIS=1 (CI: .ci/run) they fail instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { describe } from 'vitest';

const found = spawnSync('redis-server', ['--version']).status === 0;
if (!found) {
	const why = 'redis-server is not installed';
	if (process.env.SITROOM_REQUIRE_REDIS === '1')
		throw new Error(`${why}; SITROOM_REQUIRE_REDIS=1 requires it`);
	console.warn(`${why}: the Redis suites of this file are SKIPPED`);
}

export const describeRedis = found ? describe : describe.skip;

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
		srv.on('error', reject);
	});
}

async function answers(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.once('data', (d) => {
			s.destroy();
			resolve(d.toString().startsWith('+PONG'));
		});
		s.once('connect', () => s.write('PING\r\n'));
		s.once('error', () => resolve(false));
	});
}

export interface TestRedis {
	url: string;
	port: number;
	/** kill -9 the server (it keeps nothing). */
	kill(): Promise<void>;
	/** Starts it again on the same port. */
	restart(): Promise<void>;
	/** SIGSTOP: connections stay open, nothing is answered (a Redis that hangs). */
	pause(): void;
	/** SIGCONT after pause(). */
	resume(): void;
	stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
	const port = await freePort();
	let proc: ChildProcess | null = null;
	const start = async (): Promise<void> => {
		proc = spawn(
			'redis-server',
			['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
			{ stdio: 'ignore' }
		);
		for (let i = 0; i < 100; i++) {
			if (await answers(port)) return;
			await new Promise((r) => setTimeout(r, 50));
		}
		throw new Error(`redis-server on port ${port} did not start`);
	};
	const kill = async (): Promise<void> => {
		const p = proc;
		// Killed before (a test that kills it and then stops it): its exit code stays null, its
		// signal is set, and 'exit' does not fire again.
		if (!p || p.exitCode !== null || p.signalCode !== null) return;
		const exited = new Promise((r) => p.once('exit', r));
		p.kill('SIGKILL');
		await exited;
	};
	await start();
	const signal = (sig: NodeJS.Signals): void => void (proc as ChildProcess | null)?.kill(sig);
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		kill,
		restart: start,
		pause: () => signal('SIGSTOP'),
		resume: () => signal('SIGCONT'),
		stop: kill
	};
}
