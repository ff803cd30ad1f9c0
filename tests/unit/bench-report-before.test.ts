/**
 * `npm run bench -- --before <results.json>` prints an earlier run's figures beside ours
 * (bench/report.ts): the render scenario has no reference server, so before/after is its comparison.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTable, readBefore, summarize, type ResultsFile } from '../../bench/report.ts';
import type { Scenario } from '../../bench/scenarios/scenario.ts';

const scenario: Scenario = {
	id: 'render-5000',
	title: 'Room rendering',
	detail: 'pans and zooms',
	clientProcesses: 0,
	metrics: [
		{ key: 'frameMedianMs', label: 'median frame (ms)', digits: 1 },
		{ key: 'longFrames', label: 'long frames', digits: 0 }
	],
	run: () => Promise.resolve({})
};

function resultsFile(): string {
	const rows = summarize(scenario, {
		ours: [{ frameMedianMs: 25.7, longFrames: 21 }],
		reference: [],
		durable: []
	});
	const results: ResultsFile = {
		startedAt: '',
		finishedAt: '',
		options: {},
		machine: { node: '', cpus: 2, platform: 'linux' },
		servers: { ours: '', reference: '', durable: '' },
		scenarios: [
			{
				id: scenario.id,
				title: '',
				detail: '',
				runs: { ours: [], reference: [], durable: [] },
				summary: rows
			}
		]
	};
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-before-')), 'before.json');
	fs.writeFileSync(file, JSON.stringify(results));
	return file;
}

describe('bench report with an earlier run beside ours', () => {
	it('reads the earlier figures of the same scenario, and nothing for another', () => {
		const file = resultsFile();
		expect(readBefore(file, 'render-5000')).toEqual({ frameMedianMs: 25.7, longFrames: 21 });
		expect(readBefore(file, 'one-room-50')).toBeNull();
	});

	it('prints before and ours/before columns only when given', () => {
		const rows = summarize(scenario, {
			ours: [{ frameMedianMs: 12.85, longFrames: 7 }],
			reference: [],
			durable: []
		});
		const plain = formatTable(scenario, rows, 1);
		expect(plain).not.toContain('before');
		const table = formatTable(scenario, rows, 1, readBefore(resultsFile(), 'render-5000'));
		const header = table.split('\n').find((l) => l.startsWith('figure'))!;
		expect(header.split(/\s{2,}/).slice(0, 4)).toEqual(['figure', 'ours', 'before', 'ours/before']);
		const median = table.split('\n').find((l) => l.startsWith('median frame'))!;
		expect(median.split(/\s{2,}/).slice(1, 4)).toEqual(['12.9', '25.7', '0.50×']);
		const long = table.split('\n').find((l) => l.startsWith('long frames'))!;
		expect(long.split(/\s{2,}/).slice(1, 4)).toEqual(['7', '21', '0.33×']);
	});
});
