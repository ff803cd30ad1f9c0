/**
 * When the render scenario's time goes, task by task: the same room (5,000 annotations, 1,000
 * tasks) in the same uncapped headless Chromium, traced while it opens and while the mouse pans
 * and the wheel zooms. Prints the renderer main thread's tasks over a threshold in order, each with
 * its start (ms since navigation), wall and CPU (thread) time and what ran in it (the longest
 * script calls, parse, layout, paint, GC), and the CPU distribution of the pan/zoom tasks.
 * Thread time is what the page itself ran, whatever the machine's load (bench/main-thread-cpu.ts).
 * `npx tsx bench/render-timeline.ts [annotations] [tasks] [min task ms]`.
 */
import { ensureAppBuild } from '../tests/e2e/helpers/app-build.ts';
import { launchBrowser } from '../tests/e2e/helpers/browser.ts';
import type { CDPSession } from 'playwright-core';
import { percentile } from './stats.ts';
import {
	FRAME_FLAGS,
	WATCH_FIRST_RENDER,
	startRenderServer,
	warmCommanderPage,
	panAndZoom,
	seedIncident,
	waitForDrawn
} from './scenarios/render.ts';

interface TraceEvent {
	name: string;
	cat: string;
	ph: string;
	ts: number;
	tts?: number;
	dur?: number;
	tdur?: number;
	tid: number;
	pid: number;
	args?: { name?: string; data?: Record<string, unknown> };
}

const CATEGORIES = [
	'toplevel',
	'__metadata',
	'devtools.timeline',
	'v8.execute',
	'blink.user_timing',
	'disabled-by-default-devtools.timeline'
];
const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

async function trace(cdp: CDPSession, act: () => Promise<void>): Promise<TraceEvent[]> {
	const events: TraceEvent[] = [];
	const onData = (e: { value: unknown }) => events.push(...(e.value as TraceEvent[]));
	cdp.on('Tracing.dataCollected', onData);
	const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
	await cdp.send('Tracing.start', {
		traceConfig: {
			includedCategories: process.env.CATS ? [...CATEGORIES, ...process.env.CATS.split(',')] : CATEGORIES,
			enableSampling: false
		},
		transferMode: 'ReportEvents'
	});
	try {
		await act();
	} finally {
		await cdp.send('Tracing.end');
		await done;
		cdp.off('Tracing.dataCollected', onData);
	}
	return events;
}

function describe(e: TraceEvent): string {
	const d = e.args?.data ?? {};
	if (e.name === 'FunctionCall' || e.name === 'EvaluateScript' || e.name === 'v8.callFunction') {
		const fn = String(d.functionName ?? '') || '(anonymous)';
		const url = String(d.url ?? '')
			.split('/')
			.pop();
		return `${e.name} ${fn} ${url}:${String(d.lineNumber ?? '')}`;
	}
	if (e.name === 'TimerFire') return `TimerFire`;
	if (e.name === 'EventDispatch') return `EventDispatch ${String(d.type ?? '')}`;
	return e.name;
}

interface Task {
	start: number;
	wall: number;
	cpu: number;
	children: TraceEvent[];
}

/** The main thread's tasks, each with the events nested in it. */
function mainTasks(events: TraceEvent[]): Task[] {
	const main = new Set<string>();
	for (const e of events)
		if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
			main.add(`${e.pid}:${e.tid}`);
	const onMain = events
		.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`))
		.sort((a, b) => a.ts - b.ts);
	const tasks: Task[] = [];
	let current: (Task & { end: number }) | null = null;
	for (const e of onMain) {
		if (TASK_NAMES.has(e.name)) {
			current = {
				start: e.ts,
				end: e.ts + (e.dur ?? 0),
				wall: (e.dur ?? 0) / 1000,
				cpu: (e.tdur ?? 0) / 1000,
				children: []
			};
			tasks.push(current);
		} else if (current && e.ts < current.end) current.children.push(e);
	}
	return tasks;
}

function summarise(task: Task, origin: number): string {
	const parts = new Map<string, { wall: number; cpu: number }>();
	for (const c of task.children) {
		if (!c.dur || c.dur < Number(process.env.MIN_CHILD_US ?? 2000)) continue;
		const k = describe(c);
		const p = parts.get(k) ?? { wall: 0, cpu: 0 };
		p.wall += c.dur / 1000;
		p.cpu += (c.tdur ?? 0) / 1000;
		parts.set(k, p);
	}
	const top = [...parts.entries()]
		.sort((a, b) => b[1].cpu - a[1].cpu)
		.slice(0, Number(process.env.TOP ?? 6))
		.map(([k, v]) => `${k} ${v.cpu.toFixed(0)}`)
		.join(' | ');
	return `${((task.start - origin) / 1000).toFixed(0).padStart(6)} ms  wall ${task.wall.toFixed(0).padStart(5)}  cpu ${task.cpu.toFixed(0).padStart(5)}  ${top}`;
}

async function main(): Promise<void> {
	const annotations = Number(process.argv[2] ?? 5000);
	const tasks = Number(process.argv[3] ?? 1000);
	const minMs = Number(process.argv[4] ?? 15);
	await ensureAppBuild();
	const app = await startRenderServer('sitroom-render-timeline-');
	const browser = await launchBrowser({ block: 'proxy', args: FRAME_FLAGS });
	try {
		const incident = await seedIncident(app.url, annotations, tasks);
		const page = await warmCommanderPage(browser, app.url);
		await page.addInitScript(WATCH_FIRST_RENDER(annotations, tasks));
		if (process.env.COUNT_CALLS)
			await page.addInitScript(`(() => {
				const P = CanvasRenderingContext2D.prototype;
				window.__calls = {};
				for (const name of ['drawImage', 'fill', 'stroke', 'fillText', 'strokeText', 'clearRect', 'fillRect', 'clip', 'save', 'restore', 'getImageData', 'putImageData']) {
					const f = P[name];
					P[name] = function (...a) {
						if (window.__counting) {
							let k = name + (this.canvas.isConnected ? '@dom' : '@off') + this.canvas.width + 'x' + this.canvas.height;
							if (name === 'drawImage') k += ' src ' + a[0].width + 'x' + a[0].height + (a.length > 3 ? ' args' + a.length + ' ' + Math.round(a[a.length - 2]) + 'x' + Math.round(a[a.length - 1]) : '');
							window.__calls[k] = (window.__calls[k] || 0) + 1;
						}
						return f.apply(this, a);
					};
				}
			})()`);
		const cdp = await page.context().newCDPSession(page);
		let first = { syncedAt: 0, drawnAt: 0 };
		const open = await trace(cdp, async () => {
			await page.goto(`${app.url}/incidents/${incident}#tasks`);
			first = await waitForDrawn(page);
		});
		const nav = open.find(
			(e) => e.name === 'navigationStart' || e.name === 'NavigationBodyLoader::StartLoadingBody'
		);
		const openTasks = mainTasks(open);
		const origin = nav?.ts ?? openTasks[0]?.start ?? 0;
		const cpuOpen = openTasks.reduce((a, t) => a + t.cpu, 0);
		console.log(
			`== opening: synced ${first.syncedAt.toFixed(0)} ms, drawn ${first.drawnAt.toFixed(0)} ms; main-thread CPU ${cpuOpen.toFixed(0)} ms in ${openTasks.length} tasks`
		);
		for (const t of openTasks) if (t.cpu >= minMs || t.wall >= 4 * minMs) console.log(summarise(t, origin));

		await page.waitForTimeout(500);
		if (process.env.HIDE)
			await page.evaluate((sel) => {
				for (const e of document.querySelectorAll<HTMLElement>(sel)) e.style.display = 'none';
			}, process.env.HIDE);
		await page.evaluate('window.__counting = true');
		const pan = await trace(cdp, () => panAndZoom(page));
		if (process.env.COUNT_CALLS) console.log(await page.evaluate('window.__calls'));
		const panTasks = mainTasks(pan);
		const cpus = panTasks.map((t) => t.cpu).sort((a, b) => a - b);
		console.log(
			`== panning and zooming: main-thread CPU ${cpus.reduce((a, b) => a + b, 0).toFixed(0)} ms in ${cpus.length} tasks; per task median ${percentile(cpus, 50).toFixed(1)}, p95 ${percentile(cpus, 95).toFixed(1)}, max ${percentile(cpus, 100).toFixed(1)} ms`
		);
		const panOrigin = panTasks[0]?.start ?? 0;
		for (const t of panTasks) if (t.cpu >= minMs) console.log(summarise(t, panOrigin));
	} finally {
		await browser.close();
		await app.stop();
	}
}

await main();
