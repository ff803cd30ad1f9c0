/**
 * The operator's allowlist of addresses and ports the server may contact to check feeds
 * (FEED_CHECK_ALLOW, e.g. `cams.example.gov:443,10.1.2.0/24:8080,[fd00::5]:8000`). Empty means
 * the server contacts nothing: a feed address is typed by users, and without this list the health
 * checker would let anyone in an incident make the server probe any host on its networks.
 *
 * Each entry names a host and a port. The port is part of the entry because a host alone would
 * still let anyone who may add a feed learn which of its ports are open. An entry without a port
 * allows the scheme's default port only (80 for http, 443 for https); list a host once per port.
 *
 * Host names match exactly (case-insensitive; `*.example.gov.cn` matches its subdomains);
 * IP literals match addresses and CIDR networks. IPv6 takes brackets when a port follows
 * (`[fd00::/8]:8443`). A host name is not resolved to match a network: list the names the
 * operator trusts.
 */
import net from 'node:net';

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** null: the scheme's default port. */
type Port = number | null;

interface Rule {
	matches(host: string, family: number): boolean;
	port: Port;
}

export class FeedAllowlist {
	readonly #rules: Rule[] = [];
	readonly entries: readonly string[];

	constructor(spec: string) {
		const entries = spec
			.split(',')
			.map((s) => s.trim())
			.filter((s) => s.length > 0);
		for (const e of entries) this.#rules.push(parseEntry(e));
		this.entries = entries;
	}

	get isEmpty(): boolean {
		return this.entries.length === 0;
	}

	/** Whether the server may contact the host and port `url` points at. */
	allows(url: URL): boolean {
		const defaultPort = DEFAULT_PORTS[url.protocol];
		const port = url.port === '' ? defaultPort : Number(url.port);
		if (port === undefined) return false;
		const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
		const family = net.isIP(host);
		return this.#rules.some(
			(r) => (r.port === null ? port === defaultPort : r.port === port) && r.matches(host, family)
		);
	}
}

export class FeedAllowlistError extends Error {
	override readonly name = 'FeedAllowlistError';
}

function parseEntry(entry: string): Rule {
	const { host, port } = splitPort(entry);
	return { matches: hostMatcher(host, entry), port };
}

/** `host:port`, `[v6]:port`, or a host alone; a bare IPv6 address or network has no port. */
function splitPort(entry: string): { host: string; port: Port } {
	const e = entry.toLowerCase();
	const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(e);
	if (bracketed)
		return { host: bracketed[1]!, port: bracketed[2] === undefined ? null : portOf(bracketed[2], entry) };
	const colons = e.split(':').length - 1;
	if (colons !== 1) return { host: e, port: null };
	const at = e.lastIndexOf(':');
	return { host: e.slice(0, at), port: portOf(e.slice(at + 1), entry) };
}

function portOf(s: string, entry: string): number {
	const n = Number(s);
	if (!/^\d{1,5}$/.test(s) || n < 1 || n > 65535) {
		throw new FeedAllowlistError(`"${entry}" does not end in a port from 1 to 65535`);
	}
	return n;
}

function hostMatcher(host: string, entry: string): Rule['matches'] {
	const slash = host.indexOf('/');
	if (slash >= 0) {
		const addr = host.slice(0, slash);
		const prefix = Number(host.slice(slash + 1));
		const family = net.isIP(addr);
		const max = family === 4 ? 32 : 128;
		if (family === 0 || !/^\d{1,3}$/.test(host.slice(slash + 1)) || prefix > max) {
			throw new FeedAllowlistError(`"${entry}" is not a valid CIDR network`);
		}
		const list = new net.BlockList();
		list.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
		return (h, f) => f !== 0 && list.check(h, f === 4 ? 'ipv4' : 'ipv6');
	}
	const family = net.isIP(host);
	if (family !== 0) {
		const list = new net.BlockList();
		list.addAddress(host, family === 4 ? 'ipv4' : 'ipv6');
		return (h, f) => f !== 0 && list.check(h, f === 4 ? 'ipv4' : 'ipv6');
	}
	if (host.startsWith('*.') && isHostName(host.slice(2))) {
		const suffix = host.slice(1);
		return (h, f) => f === 0 && h.endsWith(suffix);
	}
	if (!isHostName(host)) {
		throw new FeedAllowlistError(
			`"${entry}" is not a host name, address or CIDR network, with an optional port`
		);
	}
	return (h, f) => f === 0 && h === host;
}

function isHostName(s: string): boolean {
	return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(s);
}
