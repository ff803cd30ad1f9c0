/**
 * What the production build (`npm start`: the built app behind our server) answers over plain
 * HTTP, without a browser: no development pages.
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
	const res = await fetch(`${server.url}${path}`);
	await res.body?.cancel();
	return res.status;
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
