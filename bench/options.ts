/** Command-line options of `npm run bench`. */
import path from 'node:path';

export interface BenchOptions {
	/** Small N and short runs: checks the benchmark works end to end, measures nothing. */
	quick: boolean;
	/** Runs per server per scenario (interleaved A B A B …). */
	runs: number;
	/** Scenario ids (or prefixes) to run; empty runs all. */
	only: string[];
	/** Client processes per scenario, overriding each scenario's own choice. */
	clientProcesses: number | null;
	/** Clients publish presence (awareness) as a stock client does, with its 15 s renewals. */
	presence: boolean;
	/** Write a V8 CPU profile of each server process here. */
	cpuProfileDir: string | null;
	/** Record Linux perf samples of each server over each measured window here (bench/perf-record.ts). */
	perfDir: string | null;
	/** SQLITE_SYNCHRONOUS for our server: 'full' (the durability, the default) or 'normal'. */
	sqliteSync: 'full' | 'normal';
	/** Our server's store: 'sqlite' (durable, the default) or 'memory' (to see what durability costs). */
	store: 'sqlite' | 'memory';
	/** An earlier results file whose figures are printed beside ours ("before" and ours/before). */
	before: string | null;
}

export const USAGE = `npm run bench -- [options]
  --quick             small N and short runs, to check the benchmark end to end (1 run unless --runs)
  --runs <n>          runs per server per scenario, interleaved ours/reference (default 3)
  --only <id,...>     only scenarios whose id starts with one of these (one-room-50, rooms, cold-load …)
  --client-procs <n>  client processes per scenario (default: 2, 1 for cold load)
  --presence          clients publish presence (awareness), as the stock client does by default
  --sqlite-sync <m>   our server's SQLITE_SYNCHRONOUS: full (default; fsync per group commit) or normal
  --store <s>         our server's store: sqlite (default; durable) or memory (what durability costs)
  --cpu-prof <dir>    write a V8 CPU profile of every server process into <dir> (open in Chrome DevTools)
  --perf <dir>        record Linux perf samples (kernel, native and JS frames) of every server over the
                      measured write window of the fan-out scenarios into <dir> (perf report -i <file>)
  --before <file>     an earlier results file (bench/results/*.json, bench/baselines/*.json): its
                      figures are printed beside ours as "before", with ours/before
  --help              this text`;

export class UsageError extends Error {
	override readonly name = 'UsageError';
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
	const opts: BenchOptions = {
		quick: false,
		runs: NaN,
		only: [],
		clientProcesses: null,
		presence: false,
		cpuProfileDir: null,
		perfDir: null,
		sqliteSync: 'full',
		store: 'sqlite',
		before: null
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const value = (): string => {
			const v = argv[++i];
			if (v === undefined) throw new UsageError(`${arg} needs a value`);
			return v;
		};
		const positive = (v: string): number => {
			const n = Number(v);
			if (!Number.isInteger(n) || n < 1) throw new UsageError(`${arg} takes a positive integer, not ${v}`);
			return n;
		};
		switch (arg) {
			case '--quick':
				opts.quick = true;
				break;
			case '--runs':
				opts.runs = positive(value());
				break;
			case '--only':
				opts.only = value()
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean);
				break;
			case '--client-procs':
				opts.clientProcesses = positive(value());
				break;
			case '--presence':
				opts.presence = true;
				break;
			case '--sqlite-sync': {
				const v = value();
				if (v !== 'full' && v !== 'normal')
					throw new UsageError(`--sqlite-sync takes full or normal, not ${v}`);
				opts.sqliteSync = v;
				break;
			}
			case '--store': {
				const v = value();
				if (v !== 'sqlite' && v !== 'memory')
					throw new UsageError(`--store takes sqlite or memory, not ${v}`);
				opts.store = v;
				break;
			}
			case '--cpu-prof':
				opts.cpuProfileDir = path.resolve(value());
				break;
			case '--perf':
				opts.perfDir = path.resolve(value());
				break;
			case '--before':
				opts.before = path.resolve(value());
				break;
			case '--help':
			case '-h':
				return 'help';
			default:
				throw new UsageError(`unknown option ${arg}`);
		}
	}
	if (Number.isNaN(opts.runs)) opts.runs = opts.quick ? 1 : 3;
	return opts;
}
