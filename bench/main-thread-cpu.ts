/**
 * CPU time of a page's main thread over a window, from Chromium's trace (thread time, `tdur`, of
 * each task the renderer's main thread ran). Wall-clock frame times on a shared machine measure
 * the machine's load as much as the page: a frame that needs 30 ms of CPU takes 240 ms when eight
 * processes share each core. Thread time counts only what the page itself ran, so a change to
 * the map can be judged on a busy machine too.
 */
import type { Page } from 'playwright-core';

interface TraceEvent {
	name: string;
	ph: string;
	tid: number;
	pid: number;
	dur?: number;
	tdur?: number;
	args?: { name?: string };
}

export interface MainThreadCpu {
	/** CPU time of every main-thread task in the window (ms). */
	totalMs: number;
	/** The longest task's CPU time (ms). */
	maxTaskMs: number;
	/** Tasks that used more than 50 ms of CPU. */
	tasksOver50: number;
	/** Tasks that used more than 200 ms of CPU. */
	tasksOver200: number;
}

/** A task of the thread's scheduler: `ThreadControllerImpl::RunTask` (Chromium 156), `RunTask` before. */
const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

/** Sums the renderer main thread's top-level tasks of a trace (complete events only). Pure. */
export function mainThreadCpu(events: readonly TraceEvent[]): MainThreadCpu {
	const main = new Set<string>();
	for (const e of events)
		if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
			main.add(`${e.pid}:${e.tid}`);
	const tasks: number[] = [];
	for (const e of events)
		if (e.ph === 'X' && TASK_NAMES.has(e.name) && main.has(`${e.pid}:${e.tid}`))
			tasks.push((e.tdur ?? 0) / 1000);
	return {
		totalMs: tasks.reduce((a, b) => a + b, 0),
		maxTaskMs: tasks.length ? Math.max(...tasks) : 0,
		tasksOver50: tasks.filter((t) => t > 50).length,
		tasksOver200: tasks.filter((t) => t > 200).length
	};
}

/** Traces `page` while `act` runs and returns its main thread's CPU figures. */
export async function measureMainThreadCpu(page: Page, act: () => Promise<void>): Promise<MainThreadCpu> {
	const cdp = await page.context().newCDPSession(page);
	const events: TraceEvent[] = [];
	cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
	const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
	await cdp.send('Tracing.start', {
		traceConfig: { includedCategories: ['toplevel', '__metadata'], enableSampling: false },
		transferMode: 'ReportEvents'
	});
	try {
		await act();
	} finally {
		await cdp.send('Tracing.end');
		await complete;
		await cdp.detach();
	}
	return mainThreadCpu(events);
}
