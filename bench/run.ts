/**
 * `npm run bench`: drives our server and the stock y-websocket reference server with the same
 * y-websocket clients, scenario by scenario, interleaving runs (ours, reference, ours, …),
 * then prints one table per scenario (medians, ours/reference, the goals) and writes
 * every run's figures to bench/results/<timestamp>.json. `--help` lists the options.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientPool } from './client-pool.ts';
import { checkPerfAvailable, startPerfRecord } from './perf-record.ts';
import { parseOptions, USAGE, UsageError, type BenchOptions } from './options.ts';
import { cleanUpOnExit, killEverything } from './processes.ts';
import {
	formatTable,
	readBefore,
	summarize,
	writeResults,
	type ResultsFile,
	type RunsByTarget
} from './report.ts';
import { scenarios } from './scenarios/index.ts';
import type { Measures, Scenario } from './scenarios/scenario.ts';
import { startServer, TARGET_IDS, TARGET_LABELS, type ServerUnderTest, type TargetId } from './servers.ts';

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

async function runOnce(
	scenario: Scenario,
	target: TargetId,
	run: number,
	opts: BenchOptions
): Promise<Measures> {
	const pool = ClientPool.start(
		opts.clientProcesses ?? scenario.clientProcesses,
		opts.presence ? { BENCH_PRESENCE: '1' } : {}
	);
	let server: ServerUnderTest | null = null;
	try {
		server = await startServer(target, {
			cpuProfileDir: opts.cpuProfileDir ?? undefined,
			sqliteSync: opts.sqliteSync,
			store: opts.store,
			perfMap: opts.perfDir !== null
		});
		const { perfDir } = opts;
		const s = server;
		return await scenario.run({
			server,
			pool,
			log: (m) => console.log(`      ${m}`),
			recordWindow: perfDir
				? () => startPerfRecord(s.pid, path.join(perfDir, `${scenario.id}-${target}-run${run}.data`))
				: undefined
		});
	} finally {
		await pool.stop();
		await server?.stop();
	}
}

/** `one-room-50` selects that scenario only; `one-room` or `rooms` select a family. */
function matches(id: string, pattern: string): boolean {
	return id === pattern || id.startsWith(pattern.endsWith('-') ? pattern : `${pattern}-`);
}

function describeRun(scenario: Scenario, m: Measures): string {
	return scenario.metrics
		.filter((spec) => spec.key in m)
		.map((spec) => `${spec.key} ${Number.isFinite(m[spec.key]) ? m[spec.key]!.toFixed(spec.digits) : '–'}`)
		.join(', ');
}

async function main(): Promise<number> {
	let parsed: BenchOptions | 'help';
	try {
		parsed = parseOptions(process.argv.slice(2));
	} catch (err) {
		if (!(err instanceof UsageError)) throw err;
		console.error(`${err.message}\n\n${USAGE}`);
		return 2;
	}
	if (parsed === 'help') {
		console.log(USAGE);
		return 0;
	}
	const opts = parsed;
	if (opts.perfDir) {
		try {
			checkPerfAvailable();
		} catch (err) {
			console.error((err as Error).message);
			return 2;
		}
	}
	const selected = scenarios(opts).filter(
		(s) => opts.only.length === 0 || opts.only.some((p) => matches(s.id, p))
	);
	if (selected.length === 0) {
		console.error(`no scenario matches --only ${opts.only.join(',')}`);
		return 2;
	}

	const startedAt = new Date().toISOString();
	console.log(`Sitroom benchmark${opts.quick ? ' (--quick: a smoke run, the figures mean nothing)' : ''}`);
	const labels: Record<TargetId, string> = {
		...TARGET_LABELS,
		ours:
			opts.store === 'memory'
				? 'Sitroom (in-memory store: nothing durable, for comparison only)'
				: TARGET_LABELS.ours.replace('synchronous=full', `synchronous=${opts.sqliteSync}`)
	};
	for (const t of TARGET_IDS) console.log(`  ${t.padEnd(10)} ${labels[t]}`);
	console.log(
		`  ${opts.runs} run(s) per server per scenario, interleaved; clients: y-websocket@3 WebsocketProvider, ` +
			`presence ${opts.presence ? 'on' : 'off'}; node ${process.version}, ${os.cpus().length} cores\n`
	);

	const results: ResultsFile = {
		startedAt,
		finishedAt: '',
		options: opts,
		machine: { node: process.version, cpus: os.cpus().length, platform: `${os.platform()} ${os.release()}` },
		servers: labels,
		scenarios: []
	};
	const tables: string[] = [];
	let failures = 0;

	for (const scenario of selected) {
		console.log(`${scenario.title}: ${scenario.detail}`);
		const runs: RunsByTarget = { ours: [], reference: [], durable: [] };
		const targets = scenario.targets ?? TARGET_IDS;
		for (let r = 1; r <= opts.runs; r++) {
			for (const target of targets) {
				console.log(`   run ${r}/${opts.runs} ${target}`);
				const t0 = performance.now();
				try {
					const m = await runOnce(scenario, target, r, opts);
					runs[target].push(m);
					console.log(
						`      ${describeRun(scenario, m)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`
					);
				} catch (err) {
					failures++;
					runs[target].push({});
					console.error(
						`      run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`
					);
				}
			}
		}
		const rows = summarize(scenario, runs);
		const table = formatTable(
			scenario,
			rows,
			opts.runs,
			opts.before ? readBefore(opts.before, scenario.id) : null
		);
		tables.push(table);
		console.log(`\n${table}\n`);
		results.scenarios.push({
			id: scenario.id,
			title: scenario.title,
			detail: scenario.detail,
			note: scenario.note,
			runs,
			summary: rows
		});
	}

	results.finishedAt = new Date().toISOString();
	const file = writeResults(resultsDir, results);
	console.log(`\n${'='.repeat(20)} summary ${'='.repeat(20)}\n\n${tables.join('\n\n')}\n`);
	console.log(`results: ${path.relative(process.cwd(), file)}`);
	if (failures > 0) console.error(`${failures} run(s) failed; their figures are missing from the medians`);
	return failures > 0 ? 1 : 0;
}

cleanUpOnExit();
main().then(
	(code) => {
		killEverything();
		process.exit(code);
	},
	(err: unknown) => {
		console.error(err);
		killEverything();
		process.exit(1);
	}
);
