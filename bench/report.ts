/**
 * Turns the runs of a scenario into figures (medians, or the worst run for failure counts),
 * ratios of ours to each reference (the in-memory stock server, and the same with its durable
 * store) and goal verdicts, prints them as a table, and writes every run's raw figures as JSON.
 * Shared by every scenario, present and future.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Goal, Measures, MetricSpec, Scenario } from './scenarios/scenario.ts';
import type { TargetId } from './servers.ts';
import { median } from './stats.ts';

export type RunsByTarget = Record<TargetId, Measures[]>;

export interface Row {
	key: string;
	label: string;
	ours: number;
	reference: number;
	durable: number;
	/** ours / reference (in memory); NaN when the reference figure is zero or missing. */
	ratio: number;
	/** ours / the durable reference; NaN likewise. */
	ratioDurable: number;
	goal: string;
	/** null when the figure has no goal or could not be judged. */
	met: boolean | null;
}

function combine(metric: MetricSpec, values: number[]): number {
	if (metric.combine === 'max') {
		const finite = values.filter(Number.isFinite);
		return finite.length ? Math.max(...finite) : NaN;
	}
	return median(values);
}

function goalText(goal: Goal | undefined): string {
	if (!goal) return '';
	if (goal.kind === 'zero') return '0';
	if (goal.kind === 'at-least') return `≥ ${goal.value.toLocaleString('en-US')}`;
	const of = goal.against === 'durable' ? ' durable' : ' ref';
	return `${goal.ratio === 1 ? 'no slower (≤ 1.00×' : `≤ ${goal.ratio.toFixed(2)}×`}${of}${goal.ratio === 1 ? ')' : ''}`;
}

function judge(goal: Goal | undefined, ours: number, ratio: number, ratioDurable: number): boolean | null {
	if (!goal) return null;
	if (goal.kind === 'zero') return Number.isFinite(ours) ? ours === 0 : null;
	if (goal.kind === 'at-least') return Number.isFinite(ours) ? ours >= goal.value : null;
	const r = goal.against === 'durable' ? ratioDurable : ratio;
	return Number.isFinite(r) ? r <= goal.ratio : null;
}

const ratioOf = (ours: number, of: number): number => (of !== 0 && Number.isFinite(of) ? ours / of : NaN);

export function summarize(scenario: Scenario, runs: RunsByTarget): Row[] {
	return scenario.metrics.map((m) => {
		const ours = combine(
			m,
			runs.ours.map((r) => r[m.key] ?? NaN)
		);
		const reference = combine(
			m,
			runs.reference.map((r) => r[m.key] ?? NaN)
		);
		const durable = combine(
			m,
			runs.durable.map((r) => r[m.key] ?? NaN)
		);
		const ratio = ratioOf(ours, reference);
		const ratioDurable = ratioOf(ours, durable);
		return {
			key: m.key,
			label: m.label,
			ours,
			reference,
			durable,
			ratio,
			ratioDurable,
			goal: goalText(m.goal),
			met: judge(m.goal, ours, ratio, ratioDurable)
		};
	});
}

function formatNumber(n: number, digits: number): string {
	if (!Number.isFinite(n)) return '–';
	return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * The figures (ours, by metric key) of scenario `id` in an earlier results file, to print beside
 * this run's as "before"; null when the file has no such scenario.
 */
export function readBefore(file: string, id: string): Record<string, number> | null {
	const results = JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsFile;
	const scenario = results.scenarios.find((s) => s.id === id);
	if (!scenario) return null;
	return Object.fromEntries(scenario.summary.map((r) => [r.key, r.ours ?? NaN]));
}

export function formatTable(
	scenario: Scenario,
	rows: readonly Row[],
	runs: number,
	before: Record<string, number> | null = null
): string {
	const digits = new Map(scenario.metrics.map((m) => [m.key, m.digits]));
	const times = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');
	const header = ['figure', 'ours', 'reference', 'durable ref', 'ours/ref', 'ours/durable', 'goal', 'met'];
	if (before) header.splice(2, 0, 'before', 'ours/before');
	const body = rows.map((r) => {
		const cells = [
			r.label,
			formatNumber(r.ours, digits.get(r.key) ?? 1),
			formatNumber(r.reference, digits.get(r.key) ?? 1),
			formatNumber(r.durable, digits.get(r.key) ?? 1),
			times(r.ratio),
			times(r.ratioDurable),
			r.goal,
			r.met === null ? '' : r.met ? 'yes' : 'NO'
		];
		if (before) {
			const b = before[r.key] ?? NaN;
			cells.splice(2, 0, formatNumber(b, digits.get(r.key) ?? 1), times(ratioOf(r.ours, b)));
		}
		return cells;
	});
	const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
	const line = (cells: string[]): string =>
		cells
			.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
			.join('  ')
			.trimEnd();
	const out = [
		`== ${scenario.title} ==`,
		`   ${scenario.detail}; median of ${runs} run${runs === 1 ? '' : 's'} per server`,
		...(scenario.note ? [`   ${scenario.note}`] : []),
		line(header),
		widths.map((w) => '-'.repeat(w)).join('  '),
		...body.map(line)
	];
	return out.join('\n');
}

export interface ResultsFile {
	startedAt: string;
	finishedAt: string;
	options: unknown;
	machine: { node: string; cpus: number; platform: string };
	servers: Record<TargetId, string>;
	scenarios: Array<{
		id: string;
		title: string;
		detail: string;
		note?: string;
		runs: RunsByTarget;
		summary: Row[];
	}>;
}

/** Writes the results to bench/results/<timestamp>.json and returns the path. */
export function writeResults(dir: string, results: ResultsFile): string {
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
	// NaN is not JSON: write null for a figure that could not be measured.
	fs.writeFileSync(
		file,
		JSON.stringify(
			results,
			(_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
			'\t'
		) + '\n'
	);
	return file;
}
