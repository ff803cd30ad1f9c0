/**
 * The session cookie: its name, reading it from a raw Cookie header (the transports see only
 * Node's IncomingMessage, not Express), and whether a request's Origin may use it. The REST API
 * sets it (server/api/session-middleware.ts).
 */

export const SESSION_COOKIE = 'sitroom_session';

/** The value of one cookie in a Cookie header, or null. Malformed pairs are skipped. */
export function readCookie(header: string | undefined, name: string): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
		const raw = part.slice(eq + 1).trim();
		try {
			return decodeURIComponent(raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
		} catch {
			return null;
		}
	}
	return null;
}

/**
 * Is the request's Origin (if it sent one) this server itself or a configured trusted origin?
 * Browsers always send Origin on cross-site POSTs and WebSocket handshakes; scripts (curl)
 * usually send none, and they carry no ambient cookies, so a missing Origin is accepted.
 */
export function originAllowed(
	origin: string | undefined,
	host: string | undefined,
	trusted: readonly string[]
): boolean {
	if (origin === undefined) return true;
	if (trusted.includes(origin)) return true;
	try {
		return host !== undefined && new URL(origin).host === host;
	} catch {
		return false;
	}
}
