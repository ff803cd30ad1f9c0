/** The render bench's main-thread CPU figures from a Chromium trace (bench/main-thread-cpu.ts). */
import { describe, expect, it } from 'vitest';
import { mainThreadCpu } from '../../bench/main-thread-cpu.ts';

const meta = (pid: number, tid: number, name: string) => ({
	ph: 'M',
	name: 'thread_name',
	pid,
	tid,
	args: { name }
});
const task = (tid: number, tdurMs: number, name = 'ThreadControllerImpl::RunTask') => ({
	ph: 'X',
	name,
	pid: 1,
	tid,
	dur: tdurMs * 3000,
	tdur: tdurMs * 1000
});

describe('mainThreadCpu', () => {
	it("counts the thread time of the renderer main thread's tasks only", () => {
		const cpu = mainThreadCpu([
			meta(1, 10, 'CrRendererMain'),
			meta(1, 11, 'Compositor'),
			task(10, 30),
			task(10, 60),
			task(10, 250, 'RunTask'),
			task(11, 400),
			{ ph: 'X', name: 'FunctionCall', pid: 1, tid: 10, tdur: 999_000 },
			{ ph: 'B', name: 'ThreadControllerImpl::RunTask', pid: 1, tid: 10 }
		]);
		expect(cpu).toEqual({ totalMs: 340, maxTaskMs: 250, tasksOver50: 2, tasksOver200: 1 });
	});

	it('is all zero for a trace without the main thread', () => {
		expect(mainThreadCpu([task(10, 30)])).toEqual({
			totalMs: 0,
			maxTaskMs: 0,
			tasksOver50: 0,
			tasksOver200: 0
		});
	});
});
