/**
 * The operator's allowlist of hosts and networks the server may contact to check feeds
 * (FEED_CHECK_ALLOW, e.g. `127.0.0.1,10.0.0.0/8,cameras.example.gov.cn`). Empty means the server
 * contacts nothing: a feed address is typed by users, and without this list the health checker
 * would let anyone in an incident make the server probe any host on its networks.
 *
 * Host names match exactly (case-insensitive; `*.example.gov.cn` matches its subdomains);
 * IP literals match addresses and CIDR networks. A host name is not resolved to match a network:
 * list the names the operator trusts.
 */
import net from 'node:net';

export class FeedAllowlist {
	readonly #names = new Set<string>();
	readonly #suffixes: string[] = [];
	readonly #nets = new net.BlockList();
	readonly entries: readonly string[];

	constructor(spec: string) {
		const entries = spec
			.split(',')
			.map((s) => s.trim())
			.filter((s) => s.length > 0);
		for (const e of entries) this.#add(e);
		this.entries = entries;
	}

	get isEmpty(): boolean {
		return this.entries.length === 0;
	}

	/** Whether the server may contact `hostname` (as in URL.hostname: IPv6 in brackets). */
	allows(hostname: string): boolean {
		const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
		const family = net.isIP(host);
		if (family === 4) return this.#nets.check(host, 'ipv4');
		if (family === 6) return this.#nets.check(host, 'ipv6');
		if (this.#names.has(host)) return true;
		return this.#suffixes.some((s) => host.endsWith(s));
	}

	#add(entry: string): void {
		const e = entry.toLowerCase();
		const slash = e.indexOf('/');
		if (slash >= 0) {
			const addr = e.slice(0, slash);
			const prefix = Number(e.slice(slash + 1));
			const family = net.isIP(addr);
			const max = family === 4 ? 32 : 128;
			if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
				throw new FeedAllowlistError(`"${entry}" is not a valid CIDR network`);
			}
			this.#nets.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
			return;
		}
		const family = net.isIP(e);
		if (family !== 0) {
			this.#nets.addAddress(e, family === 4 ? 'ipv4' : 'ipv6');
			return;
		}
		if (e.startsWith('*.') && isHostName(e.slice(2))) {
			this.#suffixes.push(e.slice(1));
			return;
		}
		if (!isHostName(e))
			throw new FeedAllowlistError(`"${entry}" is not a host name, address or CIDR network`);
		this.#names.add(e);
	}
}

export class FeedAllowlistError extends Error {
	override readonly name = 'FeedAllowlistError';
}

function isHostName(s: string): boolean {
	return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(s);
}
