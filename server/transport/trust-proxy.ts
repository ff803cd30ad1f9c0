/**
 * TRUST_PROXY: which reverse proxies may tell the server a client's address (X-Forwarded-For),
 * in a form Express's 'trust proxy' setting takes. The address matters for the per-address login
 * limit: if the server believed the header from anyone, a client could write a new address into
 * it with every attempt and never be limited. Default: nobody; the socket's own address counts.
 *
 * Accepted: empty (nobody), a hop count (`1`: the one proxy directly in front, whatever its
 * address), or a comma-separated list of proxy addresses, CIDR networks and Express's named
 * ranges `loopback`, `linklocal`, `uniquelocal`. `true` (trust every sender) is refused.
 */
import net from 'node:net';

/** false: trust no proxy; a number: trust that many hops; a list: trust those addresses. */
export type TrustProxy = false | number | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export class TrustProxyError extends Error {
	override readonly name = 'TrustProxyError';
}

export function parseTrustProxy(spec: string): TrustProxy {
	const s = spec.trim();
	if (s === '' || s === 'false') return false;
	if (s === 'true') {
		throw new TrustProxyError(
			'"true" would believe X-Forwarded-For from every client; name the proxy (address, network or hop count)'
		);
	}
	if (/^\d+$/.test(s)) {
		const hops = Number(s);
		return hops === 0 ? false : hops;
	}
	const entries = s
		.split(',')
		.map((e) => e.trim())
		.filter((e) => e.length > 0);
	for (const e of entries) {
		if (!isProxyEntry(e)) {
			throw new TrustProxyError(
				`"${e}" is not an address, a CIDR network, a hop count or one of loopback, linklocal, uniquelocal`
			);
		}
	}
	return entries;
}

function isProxyEntry(e: string): boolean {
	if (NAMED_RANGES.has(e)) return true;
	const slash = e.indexOf('/');
	if (slash < 0) return net.isIP(e) !== 0;
	const family = net.isIP(e.slice(0, slash));
	const prefix = e.slice(slash + 1);
	if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
	return Number(prefix) <= (family === 4 ? 32 : 128);
}
