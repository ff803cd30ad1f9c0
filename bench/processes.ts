/**
 * Every child process and temporary directory the benchmark creates is registered here, so
 * that all of them are killed and removed when the run ends: normally, on an error, or on
 * Ctrl-C. A benchmark that leaves servers running on a shared 2-core machine skews everyone.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function track(child: ChildProcess): ChildProcess {
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

export function makeTempDir(prefix: string): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	tempDirs.add(dir);
	return dir;
}

export function removeTempDir(dir: string): void {
	fs.rmSync(dir, { recursive: true, force: true });
	tempDirs.delete(dir);
}

/** Synchronous, so that it also works from an 'exit' handler. */
export function killEverything(): void {
	for (const child of children) {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	}
	children.clear();
	for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
	tempDirs.clear();
}

let installed = false;

/** Installs the handlers that clean up on exit, Ctrl-C, SIGTERM and uncaught errors. */
export function cleanUpOnExit(): void {
	if (installed) return;
	installed = true;
	process.on('exit', killEverything);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => {
			console.error(`\n${signal}: stopping every server and client process`);
			killEverything();
			process.exit(130);
		});
	}
	process.on('uncaughtException', (err) => {
		console.error(err);
		killEverything();
		process.exit(1);
	});
}

/** Asks the OS for a free port. (A tiny race, acceptable for a benchmark on 127.0.0.1.) */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

/** Resolves when `child` exits, or kills it with SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		child.kill(signal);
	});
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}
