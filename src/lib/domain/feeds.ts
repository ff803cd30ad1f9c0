/**
 * Video-feed stream addresses: which schemes Sitroom accepts and what it can do with each.
 * Shared by the UI (to validate the register-a-feed form and pick a player), the server guard
 * (to refuse a feed whose address is anything else) and the server's health checker.
 *
 * Only http, https, rtsp, rtmp and webrtc are accepted: a `javascript:`, `file:` or `data:`
 * address in a shared document would reach every browser in the room.
 */

export const FEED_URL_SCHEMES = ['http', 'https', 'rtsp', 'rtmp', 'webrtc'] as const;
export type FeedUrlScheme = (typeof FEED_URL_SCHEMES)[number];

export const MAX_FEED_URL_LENGTH = 2048;

/**
 * How a feed can be watched: `hls` plays in the page (hls.js or native) and is health-checked;
 * `http` is some other web address (kept as a link); the rest need a gateway to reach a browser.
 */
export type FeedPlayback = 'hls' | 'http' | 'rtsp' | 'rtmp' | 'webrtc';

/** Why an address is refused, as a stable code the UI translates. */
export type FeedUrlProblem =
	'not-a-string' | 'too-long' | 'not-a-url' | 'scheme-not-allowed' | 'has-credentials';

export type ParsedFeedUrl =
	| { ok: true; url: URL; scheme: FeedUrlScheme; playback: FeedPlayback }
	| { ok: false; problem: FeedUrlProblem };

export function parseFeedUrl(value: unknown): ParsedFeedUrl {
	if (typeof value !== 'string') return { ok: false, problem: 'not-a-string' };
	if (value.length > MAX_FEED_URL_LENGTH) return { ok: false, problem: 'too-long' };
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return { ok: false, problem: 'not-a-url' };
	}
	const scheme = url.protocol.slice(0, -1).toLowerCase();
	if (!isFeedUrlScheme(scheme)) return { ok: false, problem: 'scheme-not-allowed' };
	// A host is required: "http:foo" parses but addresses nothing.
	if (url.hostname === '') return { ok: false, problem: 'not-a-url' };
	// Everyone in the room sees the address; a password in it would be shared with them all.
	// RTSP cameras commonly need credentials: those belong in the gateway, not the document.
	if (url.username !== '' || url.password !== '') return { ok: false, problem: 'has-credentials' };
	return { ok: true, url, scheme, playback: playbackOf(scheme, url) };
}

/** Null when the address is acceptable, otherwise the problem code. */
export function feedUrlProblem(value: unknown): FeedUrlProblem | null {
	const p = parseFeedUrl(value);
	return p.ok ? null : p.problem;
}

export function isValidFeedUrl(value: unknown): value is string {
	return parseFeedUrl(value).ok;
}

function isFeedUrlScheme(s: string): s is FeedUrlScheme {
	return (FEED_URL_SCHEMES as readonly string[]).includes(s);
}

function playbackOf(scheme: FeedUrlScheme, url: URL): FeedPlayback {
	if (scheme === 'http' || scheme === 'https') {
		return url.pathname.toLowerCase().endsWith('.m3u8') ? 'hls' : 'http';
	}
	return scheme;
}
