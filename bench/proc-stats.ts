/**
 * CPU time and resident memory of another process, read from Linux's /proc: the figures the
 * benchmark divides by deliveries and by connections.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
	if (ticksPerSecond === null) {
		try {
			ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		} catch {
			ticksPerSecond = 100; // the Linux default
		}
	}
	return ticksPerSecond;
}

/**
 * User + system CPU time of `pid` in milliseconds (resolution: one clock tick, usually 10 ms): of
 * all its threads, or with `thread`, of that one (a process's main thread has the process's id).
 */
export function cpuTimeMs(pid: number, thread?: number): number {
	const stat = fs.readFileSync(
		thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
		'utf8'
	);
	// The command name (field 2) may contain spaces and parentheses: split after its last ')'.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// Fields 14 (utime) and 15 (stime), counted from 1; this array starts at field 3.
	const utime = Number(fields[11]);
	const stime = Number(fields[12]);
	return ((utime + stime) * 1000) / clockTicks();
}

/** Resident set size of `pid` in bytes. */
export function rssBytes(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
	if (!m) throw new Error(`no VmRSS for process ${pid}`);
	return Number(m[1]) * 1024;
}
