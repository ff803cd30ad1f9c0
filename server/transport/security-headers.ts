/**
 * Headers every response carries, whatever serves it: the API, health probes, static files, the
 * app's pages, and Socket.IO's long-polling answers (engine.io writes those; see socketio.ts).
 * Pages replace the Content-Security-Policy below with their own (svelte.config.js kit.csp);
 * everything else is never meant to run or show anything, so its policy allows nothing, which
 * also covers a JSON answer or a static file opened directly in a tab.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const NOTHING_POLICY =
	"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The headers of a response that is not a page. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'Content-Security-Policy': NOTHING_POLICY,
	// A response is what its Content-Type says, never what the browser guesses from its bytes.
	'X-Content-Type-Options': 'nosniff',
	// Other sites learn our origin, never a path (incident ids). Not no-referrer: Tianditu's
	// browser keys are bound to the site's domain and checked against the Referer of tile requests.
	'Referrer-Policy': 'strict-origin-when-cross-origin'
};

export function securityHeaders() {
	return (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
		next();
	};
}
