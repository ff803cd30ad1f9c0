/**
 * The headers of the app's service worker script (/service-worker.js, src/service-worker.ts).
 * A worker runs under the Content-Security-Policy of its own script's response, and every other
 * static file gets one that allows nothing (security-headers.ts): under it the worker could not
 * fetch the files it caches. It may connect to this origin and to the online map layers' tile
 * servers (the page's img-src additions), which it caches for offline use; nothing else. No
 * HTTP caching, so a new version is found at the next visit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NOTHING_POLICY } from './security-headers.ts';
import type { PolicySources } from './page-policy.ts';

export const SERVICE_WORKER_PATH = '/service-worker.js';

export function serviceWorkerPolicy(pageSources: PolicySources): string {
	const tiles = pageSources['img-src'] ?? [];
	return `${NOTHING_POLICY}; script-src 'self'; connect-src 'self' ${tiles.join(' ')}`.trim();
}

export function serviceWorkerHeaders(pageSources: PolicySources) {
	const policy = serviceWorkerPolicy(pageSources);
	return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
		if (req.url?.split('?')[0] === SERVICE_WORKER_PATH) {
			res.setHeader('Content-Security-Policy', policy);
			res.setHeader('Cache-Control', 'no-cache');
		}
		next();
	};
}
