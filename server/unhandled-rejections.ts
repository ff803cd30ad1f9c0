/**
 * A promise rejection nobody handled is logged loudly (level error, with its stack) instead of
 * ending the process, which is Node's default. Installed by the process entry point (`start.ts`,
 * which `npm run dev` runs too), not by `startSitroom` (tests embed it in their own process).
 *
 * Why not crash: such a rejection is a failed asynchronous call whose caller forgot to look (a
 * Redis publish in flight when Redis died, say), not memory left half-changed; what a node has
 * acknowledged is in its store already, and a write of a room it no longer owns is fenced. A crash
 * would instead drop every client of every incident the node owns and cost a failover. Thrown
 * exceptions (`uncaughtException`) still end the process: a synchronous throw out of an event
 * handler may have left state half-changed. Each such log line is a defect to fix (the fault tests
 * look for it in their nodes' logs); at most `perSecond` lines a second, then a count.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from './log.ts';

export const UNHANDLED_REJECTION = 'unhandled promise rejection (a defect): logged, the process carries on';

export function logUnhandledRejections(proc: Pick<EventEmitter, 'on'>, log: Logger, perSecond = 10): void {
	let windowStart = 0;
	let inWindow = 0;
	let suppressed = 0;
	let summary: NodeJS.Timeout | null = null;
	proc.on('unhandledRejection', (reason: unknown) => {
		const now = Date.now();
		if (now - windowStart >= 1000) {
			windowStart = now;
			inWindow = 0;
		}
		if (++inWindow <= perSecond) {
			log.error({ err: reason }, UNHANDLED_REJECTION);
			return;
		}
		suppressed++;
		summary ??= setTimeout(() => {
			log.error({ suppressed }, `${UNHANDLED_REJECTION}; more of them not logged`);
			suppressed = 0;
			summary = null;
		}, 1000);
		summary.unref?.();
	});
}
