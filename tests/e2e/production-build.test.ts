/**
 * What the production build (`npm start`: the built app behind our server) answers over plain
 * HTTP, without a browser: no development pages, and the security headers on every response.
 * (tests/e2e/content-security-policy.test.ts shows the app running under its policy.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';

let server: TestServer;

beforeAll(async () => {
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1' });
}, 600_000);

afterAll(async () => {
	await server?.dispose();
});

async function statusOf(path: string): Promise<number> {
	return (await get(path)).status;
}

async function get(path: string, base = server.url): Promise<Response> {
	const res = await fetch(`${base}${path}`);
	await res.body?.cancel();
	return res;
}

/** A page's policy, one directive per key. */
function directives(policy: string): Record<string, string[]> {
	return Object.fromEntries(
		policy
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((d) => d[0])
			.map(([name, ...sources]) => [name!, sources])
	);
}

describe('the production build', () => {
	it('serves the app', async () => {
		expect(await statusOf('/')).toBe(200);
		expect(await statusOf('/login')).toBe(200);
	});

	it('answers 404 for the development pages', async () => {
		expect(await statusOf('/dev/map')).toBe(404);
		expect(await statusOf('/dev/room/some-room')).toBe(404);
	});
});

describe('security headers', () => {
	it('sends nosniff, a referrer policy and a policy forbidding framing on every response', async () => {
		const asset = /\/_app\/immutable\/[^"]+\.js/.exec(await (await fetch(`${server.url}/`)).text())?.[0];
		expect(asset).toBeTruthy();
		for (const path of [
			'/',
			'/incidents/inc-demo-jialing',
			'/no-such-page',
			'/favicon.svg',
			asset!,
			'/api/session',
			'/api/no-such-route',
			'/healthz'
		]) {
			const res = await get(path);
			expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
			expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
			const policy = directives(res.headers.get('content-security-policy') ?? '');
			expect(policy['frame-ancestors'], path).toEqual(["'none'"]);
		}
	});

	it('allows nothing to a response that is not a page (the API, static files)', async () => {
		for (const path of ['/api/session', '/favicon.svg', '/healthz']) {
			const policy = directives((await get(path)).headers.get('content-security-policy') ?? '');
			expect(policy['default-src'], path).toEqual(["'none'"]);
		}
	});

	it('lets the service worker fetch this origin only, and fetch its script afresh at each visit', async () => {
		const res = await get('/service-worker.js');
		expect(res.status).toBe(200);
		const policy = directives(res.headers.get('content-security-policy') ?? '');
		expect(policy['default-src']).toEqual(["'none'"]);
		expect(policy['connect-src']).toEqual(["'self'"]);
		expect(res.headers.get('cache-control')).toBe('no-cache');
		const manifest = await fetch(`${server.url}/manifest.webmanifest`);
		expect(manifest.headers.get('content-type')).toContain('application/manifest+json');
		const icons = ((await manifest.json()) as { icons: { src: string }[] }).icons;
		for (const icon of icons) expect(await statusOf(icon.src), icon.src).toBe(200);
	});

	it('runs a page’s scripts only from this origin or with the page’s nonce, a new one each time', async () => {
		const nonceOf = async () => {
			const res = await fetch(`${server.url}/login`);
			const html = await res.text();
			const policy = directives(res.headers.get('content-security-policy') ?? '');
			const nonce = /<script nonce="([^"]+)"/.exec(html)?.[1];
			expect(policy['script-src']).toEqual(["'self'", `'nonce-${nonce}'`]);
			expect(policy['object-src']).toEqual(["'none'"]);
			return nonce;
		};
		expect(await nonceOf()).not.toBe(await nonceOf());
	});

	it('adds the tile servers of the configured map layers to the images a page may load', async () => {
		const withLayers = await startTestServer({
			SERVE_APP: '1',
			MAP_LAYERS: JSON.stringify([
				{
					type: 'xyz',
					id: 'osm',
					name: { 'zh-CN': '开放街图', en: 'OSM' },
					url: 'https://{a-b}.tile.example.org/{z}/{x}/{y}.png'
				},
				{ type: 'tianditu', id: 'tdt', name: { 'zh-CN': '天地图', en: 'Tianditu' }, kind: 'vec', key: 'k' }
			])
		});
		try {
			const page = directives((await get('/', withLayers.url)).headers.get('content-security-policy') ?? '');
			expect(page['img-src']).toEqual([
				"'self'",
				'data:',
				'blob:',
				'https://a.tile.example.org',
				'https://b.tile.example.org',
				...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `https://t${i}.tianditu.gov.cn`)
			]);
			// The API is still answered under a policy that allows nothing.
			const api = directives(
				(await get('/api/session', withLayers.url)).headers.get('content-security-policy') ?? ''
			);
			expect(api['img-src']).toBeUndefined();
		} finally {
			await withLayers.dispose();
		}
	});
});
