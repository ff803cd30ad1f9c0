/**
 * `--perf <dir>`: Linux perf samples of a server process over a scenario's measured window only
 * (not its start-up or the connection storm), with kernel and native frames that a V8 CPU profile
 * (`--cpu-prof`) cannot show: system calls, page faults, SQLite, the garbage collector's threads.
 * The servers then run with `--perf-basic-prof`, so JavaScript frames have names: node writes
 * them to /tmp/perf-<pid>.map, and perf reads that file when a recording is reported, so those
 * files are left in place. Read a recording with
 * `perf report -i <file> --no-children --sort dso,sym` or `perf script -i <file>`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep, track } from './processes.ts';

/** Samples per second and thread: often enough for a 10 s window, cheap enough not to skew it. */
const FREQUENCY_HZ = 999;
/** perf needs a moment to attach to every thread before the window starts. */
const ATTACH_MS = 300;
const STOP_TIMEOUT_MS = 10_000;

/** Stops a recording and resolves once its file is complete. */
export type StopRecording = () => Promise<void>;

/** Throws with a readable reason when perf cannot record here. */
export function checkPerfAvailable(): void {
	const r = spawnSync('perf', ['--version'], { encoding: 'utf8' });
	if (r.error || r.status !== 0) {
		throw new Error(
			'--perf needs Linux perf (Debian: apt-get install linux-perf) and the right to record other processes (root, or kernel.perf_event_paranoid <= 1)'
		);
	}
}

/** Starts recording every thread of `pid` (call graphs included) into `file`. */
export async function startPerfRecord(pid: number, file: string): Promise<StopRecording> {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	// Tracked: killed with everything else should the run fail before the window ends.
	const child: ChildProcess = track(
		spawn('perf', ['record', '-F', String(FREQUENCY_HZ), '-g', '-p', String(pid), '-o', file], {
			stdio: ['ignore', 'ignore', 'pipe']
		})
	);
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	await sleep(ATTACH_MS);
	if (child.exitCode !== null) throw new Error(`perf record exited at once: ${stderr.trim().slice(0, 300)}`);
	return async () => {
		child.kill('SIGINT'); // perf writes its file on SIGINT
		const code = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const)]);
		if (code === 'timeout') {
			child.kill('SIGKILL');
			throw new Error(`perf record did not finish ${file} within ${STOP_TIMEOUT_MS} ms`);
		}
	};
}
