/**
 * Where the render scenario's time goes: the same room (5,000 annotations, 1,000 tasks) in the
 * same uncapped headless Chromium, profiled through the DevTools protocol while it opens and
 * while the mouse pans and the wheel zooms. Prints the top costs: the renderer main thread's
 * trace events by name (script, style, paint, raster, GC) and the JavaScript functions by self
 * time (CPU profile), and for the opening also by inclusive time. `OPEN_ONLY=1` stops after the
 * opening. `npx tsx bench/render-profile.ts [annotations] [tasks]`.
 */
import { ensureAppBuild } from '../tests/e2e/helpers/app-build.ts';
import { launchBrowser } from '../tests/e2e/helpers/browser.ts';
import {
	FRAME_FLAGS,
	WATCH_FIRST_RENDER,
	startRenderServer,
	warmCommanderPage,
	panAndZoom,
	seedIncident,
	waitForDrawn
} from './scenarios/render.ts';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
	children?: number[];
}
interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

function topSelf(profile: CpuProfile, n: number): string[] {
	const byId = new Map(profile.nodes.map((x) => [x.id, x]));
	const self = new Map<string, number>();
	let total = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		const node = byId.get(profile.samples[i]!)!;
		const dt = (profile.timeDeltas[i] ?? 0) / 1000;
		total += dt;
		const f = node.callFrame;
		const file = f.url.split('/').pop() ?? '';
		const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
		self.set(key, (self.get(key) ?? 0) + dt);
	}
	return [
		`  profile ${total.toFixed(0)} ms sampled`,
		...[...self.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, n)
			.map(([k, v]) => `  ${v.toFixed(1).padStart(8)} ms  ${k}`)
	];
}

/**
 * Inclusive time by function (each sample counts once for every distinct function on its stack),
 * with column: the app's bundles are minified, so `file:line:column` is what finds the code.
 */
function topInclusive(profile: CpuProfile, n: number): string[] {
	const byId = new Map(profile.nodes.map((x) => [x.id, x]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
	const incl = new Map<string, number>();
	for (let i = 0; i < profile.samples.length; i++) {
		const dt = (profile.timeDeltas[i] ?? 0) / 1000;
		const keys = new Set<string>();
		for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
			const f = byId.get(id)!.callFrame;
			if (!f.url) continue;
			keys.add(
				`${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}:${f.columnNumber + 1}`
			);
		}
		for (const k of keys) incl.set(k, (incl.get(k) ?? 0) + dt);
	}
	return [...incl.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, n)
		.map(([k, v]) => `  ${v.toFixed(1).padStart(8)} ms  ${k}`);
}

interface TraceEvent {
	name: string;
	ph: string;
	dur?: number;
	tid: number;
	pid: number;
	args?: { name?: string };
}

/** Top trace events by total duration, on the renderer's main thread (CrRendererMain) and compositor/raster threads. */
function topTrace(events: TraceEvent[], n: number): string[] {
	const threadNames = new Map<string, string>();
	for (const e of events)
		if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
	const byThread = new Map<string, Map<string, number>>();
	for (const e of events) {
		if (e.ph !== 'X' || !e.dur) continue;
		const thread = threadNames.get(`${e.pid}:${e.tid}`) ?? '?';
		if (!/CrRendererMain|Compositor|Raster|VizCompositor|CrGpuMain/.test(thread)) continue;
		const m = byThread.get(thread) ?? new Map<string, number>();
		m.set(e.name, (m.get(e.name) ?? 0) + e.dur / 1000);
		byThread.set(thread, m);
	}
	const out: string[] = [];
	for (const [thread, m] of byThread) {
		out.push(`  [${thread}] (inclusive times; events nest)`);
		for (const [k, v] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n))
			out.push(`  ${v.toFixed(1).padStart(8)} ms  ${k}`);
	}
	return out;
}

async function main(): Promise<void> {
	const annotations = Number(process.argv[2] ?? 5000);
	const tasks = Number(process.argv[3] ?? 1000);
	await ensureAppBuild();
	const app = await startRenderServer('sitroom-render-profile-');
	const browser = await launchBrowser({ block: 'proxy', args: FRAME_FLAGS });
	try {
		const incident = await seedIncident(app.url, annotations, tasks);
		const page = await warmCommanderPage(browser, app.url);
		await page.addInitScript(WATCH_FIRST_RENDER(annotations, tasks));
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Profiler.enable');
		await cdp.send('Profiler.setSamplingInterval', { interval: 250 });

		await cdp.send('Profiler.start');
		await page.goto(`${app.url}/incidents/${incident}#tasks`);
		const first = await waitForDrawn(page);
		const open = (await cdp.send('Profiler.stop')).profile as unknown as CpuProfile;
		console.log(
			`== opening the room: synced ${first.syncedAt.toFixed(0)} ms, drawn ${first.drawnAt.toFixed(0)} ms`
		);
		console.log(topSelf(open, 30).join('\n'));
		console.log('  -- inclusive (script functions with a URL)');
		console.log(topInclusive(open, Number(process.env.TOP_INCLUSIVE ?? 40)).join('\n'));
		if (process.env.OPEN_ONLY) return;

		await page.waitForTimeout(500);
		const events: TraceEvent[] = [];
		cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
		const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
		await cdp.send('Tracing.start', {
			traceConfig: {
				includedCategories: [
					'devtools.timeline',
					'disabled-by-default-devtools.timeline',
					'v8',
					'blink',
					'cc'
				],
				recordMode: 'recordAsMuchAsPossible'
			},
			transferMode: 'ReportEvents'
		});
		await cdp.send('Profiler.start');
		const t0 = Date.now();
		await panAndZoom(page);
		const wall = Date.now() - t0;
		const pan = (await cdp.send('Profiler.stop')).profile as unknown as CpuProfile;
		await cdp.send('Tracing.end');
		await done;
		console.log(`== panning and zooming (${wall} ms wall)`);
		console.log(topSelf(pan, 40).join('\n'));
		console.log(topTrace(events, 25).join('\n'));
	} finally {
		await browser.close();
		await app.stop();
	}
}

await main();
