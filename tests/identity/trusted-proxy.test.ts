/**
 * Which address the per-address login limit counts: the connecting socket's, unless the operator
 * names the reverse proxy in front of the server (TRUST_PROXY). A client that may write its own
 * X-Forwarded-For header must not get a fresh allowance with every made-up address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const LIMIT = 4;

async function loginFrom(
	url: string,
	forwardedFor: string,
	username: string,
	password = 'wrong-password'
): Promise<number> {
	const res = await fetch(`${url}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
		body: JSON.stringify({ username, password })
	});
	await res.body?.cancel();
	return res.status;
}

describe('the address a login is counted against', () => {
	let server: TestServer | undefined;
	afterEach(async () => {
		await server?.dispose();
		server = undefined;
	});

	const limits = { LOGIN_MAX_FAILURES_PER_ADDRESS: String(LIMIT), LOGIN_WINDOW_MS: '60000' };

	it('ignores X-Forwarded-For by default: ever-changing forwarded addresses still hit the limit', async () => {
		server = await startTestServer(limits);
		for (let i = 1; i <= LIMIT; i++) {
			expect(await loginFrom(server.url, `203.0.113.${i}`, `nobody-${i}`)).toBe(401);
		}
		expect(await loginFrom(server.url, '203.0.113.99', 'commander', 'sitroom-demo')).toBe(429);
	});

	it('counts the forwarded client address when TRUST_PROXY names the proxy (loopback)', async () => {
		server = await startTestServer({ ...limits, TRUST_PROXY: 'loopback' });
		for (let i = 1; i <= LIMIT; i++) {
			expect(await loginFrom(server.url, '203.0.113.7', `nobody-${i}`)).toBe(401);
		}
		expect(await loginFrom(server.url, '203.0.113.7', 'commander', 'sitroom-demo')).toBe(429);
		// Another client behind the same proxy has its own allowance.
		expect(await loginFrom(server.url, '198.51.100.1', 'commander', 'sitroom-demo')).toBe(200);
	});

	it('accepts proxy addresses, networks, named ranges and a hop count, and nothing else', () => {
		expect(loadConfig({}).trustProxy).toBe(false);
		expect(loadConfig({ TRUST_PROXY: '' }).trustProxy).toBe(false);
		expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
		expect(loadConfig({ TRUST_PROXY: 'loopback, 10.1.0.0/16,fd00::1' }).trustProxy).toEqual([
			'loopback',
			'10.1.0.0/16',
			'fd00::1'
		]);
		expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY.*every client/s);
		expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY.*"10\.0\.0\.0\/33"/s);
		expect(() => loadConfig({ TRUST_PROXY: 'proxy.example.gov' })).toThrow(/TRUST_PROXY/);
		expect(() => loadConfig({ TRUST_PROXY: '-1' })).toThrow(/TRUST_PROXY/);
	});
});
