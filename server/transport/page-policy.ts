/**
 * Adds sources known only at run time to the Content-Security-Policy SvelteKit writes for a page
 * (svelte.config.js kit.csp, built into the app with the page's nonce): the tile servers of the
 * configured online map layers, for one. SvelteKit sets that header with res.setHeader, so the
 * sources are added there, for the responses passed through this middleware.
 *
 * Plain Node types: the Express server and Vite's development server both use it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Sources to add, by directive: `{ 'img-src': ['https://t0.tianditu.gov.cn'] }`. */
export type PolicySources = Readonly<Record<string, readonly string[]>>;

/**
 * The policy with `extra` appended to the named directives. A directive the policy lacks is added
 * with default-src's sources first, which it fell back to before.
 */
export function withSources(policy: string, extra: PolicySources): string {
	const directives = new Map<string, string[]>();
	for (const d of policy.split(';')) {
		const [name, ...sources] = d.trim().split(/\s+/);
		if (name) directives.set(name.toLowerCase(), sources);
	}
	for (const [name, sources] of Object.entries(extra)) {
		if (sources.length === 0) continue;
		const current = directives.get(name) ?? directives.get('default-src') ?? [];
		directives.set(name, [...current, ...sources.filter((s) => !current.includes(s))]);
	}
	return [...directives].map(([name, sources]) => [name, ...sources].join(' ')).join('; ');
}

export function extendPagePolicy(extra: PolicySources) {
	const empty = Object.values(extra).every((s) => s.length === 0);
	return (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
		if (empty) return next();
		const setHeader = res.setHeader;
		res.setHeader = function (name, value) {
			const v = name.toLowerCase() === 'content-security-policy' ? withSources(String(value), extra) : value;
			return setHeader.call(this, name, v);
		};
		next();
	};
}
