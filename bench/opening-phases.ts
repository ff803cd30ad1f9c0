/**
 * Where the room's first render spends its wall clock, phase by phase, seen from inside the page
 * without touching the app: navigation timing (the HTML, the module scripts run), the Socket.IO
 * WebSocket (opened, first frame sent), and the largest message received (the room's initial
 * sync: the document's state as one binary frame) with when the task that handled it ended.
 *
 * WATCH_OPENING is an init script (a string, as WATCH_FIRST_RENDER in scenarios/render.ts: tsx
 * wraps named functions in a helper the page lacks); `openingPhases(page)` reads what it saw.
 * A message counts as the sync when it is the first of at least SYNC_MIN_BYTES.
 */
import type { Page } from 'playwright-core';

export const SYNC_MIN_BYTES = 64 * 1024;

export const WATCH_OPENING = `(() => {
	const seen = (window.__opening = { wsOpen: NaN, firstSend: NaN, syncAt: NaN, syncBytes: NaN, syncHandled: NaN });
	const Native = window.WebSocket;
	const sizeOf = (d) => (typeof d === 'string' ? d.length : d instanceof Blob ? d.size : d.byteLength ?? 0);
	class Watched extends Native {
		constructor(...args) {
			super(...args);
			this.addEventListener('open', () => {
				if (Number.isNaN(seen.wsOpen)) seen.wsOpen = performance.now();
			});
			// Registered before the app's own handler, so it sees the message arrive.
			this.addEventListener('message', (e) => {
				if (!Number.isNaN(seen.syncAt) || sizeOf(e.data) < ${SYNC_MIN_BYTES}) return;
				seen.syncAt = performance.now();
				seen.syncBytes = sizeOf(e.data);
				setTimeout(() => (seen.syncHandled = performance.now()), 0);
			});
		}
		send(data) {
			if (Number.isNaN(seen.firstSend)) seen.firstSend = performance.now();
			return super.send(data);
		}
	}
	window.WebSocket = Watched;
})()`;

export interface OpeningPhases {
	/** The HTML received (navigation timing responseEnd), ms since navigation started. */
	htmlMs: number;
	/** DOMContentLoaded ended: the module scripts have run. */
	scriptsMs: number;
	/** The Socket.IO WebSocket open. */
	wsOpenMs: number;
	/** The first frame the page sent over it (the handshake, then the room join). */
	firstSendMs: number;
	/** The sync message's arrival. */
	syncMessageMs: number;
	syncBytes: number;
	/** The end of the task that handled it (a 0 ms timer queued on arrival). */
	syncHandledMs: number;
}

export async function openingPhases(page: Page): Promise<OpeningPhases> {
	return page.evaluate(() => {
		const w = window as unknown as {
			__opening?: {
				wsOpen: number;
				firstSend: number;
				syncAt: number;
				syncBytes: number;
				syncHandled: number;
			};
		};
		const o = w.__opening;
		const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
		return {
			htmlMs: nav?.responseEnd ?? NaN,
			scriptsMs: nav?.domContentLoadedEventEnd ?? NaN,
			wsOpenMs: o?.wsOpen ?? NaN,
			firstSendMs: o?.firstSend ?? NaN,
			syncMessageMs: o?.syncAt ?? NaN,
			syncBytes: o?.syncBytes ?? NaN,
			syncHandledMs: o?.syncHandled ?? NaN
		};
	});
}
