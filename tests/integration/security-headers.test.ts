/**
 * The security headers on responses that are not the app's pages, served without the app build:
 * API answers (errors included), health probes and Socket.IO's long-polling answers. The pages
 * and static files are checked on the production build (tests/e2e/production-build.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTHING_POLICY } from '../../server/transport/security-headers.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('security headers without the app', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer();
	});
	afterAll(async () => {
		await server?.dispose();
	});

	function expectSecurityHeaders(res: Response, what: string): void {
		expect(res.headers.get('content-security-policy'), what).toBe(NOTHING_POLICY);
		expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
		expect(res.headers.get('referrer-policy'), what).toBe('strict-origin-when-cross-origin');
	}

	it('sends them on API answers, API errors and health probes', async () => {
		const requests: Array<[string, RequestInit?]> = [
			['/api/session'],
			['/api/no-such-route'],
			['/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }],
			['/healthz'],
			['/readyz']
		];
		for (const [path, init] of requests) {
			const res = await fetch(`${server.url}${path}`, init);
			await res.body?.cancel();
			expectSecurityHeaders(res, `${init?.method ?? 'GET'} ${path} (${res.status})`);
		}
	});

	it('sends them on Socket.IO long-polling answers', async () => {
		const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
		expect(res.status).toBe(200);
		const handshake = await res.text();
		expectSecurityHeaders(res, 'the polling handshake');
		const sid = (JSON.parse(handshake.slice(1)) as { sid: string }).sid;
		const poll = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
			method: 'POST',
			headers: { 'content-type': 'text/plain;charset=UTF-8' },
			body: '1'
		});
		await poll.body?.cancel();
		expectSecurityHeaders(poll, 'a polling request');
	});
});
