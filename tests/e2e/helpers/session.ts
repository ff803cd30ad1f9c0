/**
 * Signing a browser context in: through the login page (what a person does) or through the
 * session API from inside the context (same cookie jar, faster, for the other users of a test).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_DEMO_PASSWORD } from '../../../server/config.ts';

export async function loginThroughPage(
	page: Page,
	baseUrl: string,
	username: string,
	next = '/'
): Promise<void> {
	await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
	await page.locator('input[name=username]').fill(username);
	await page.locator('input[name=password]').fill(DEFAULT_DEMO_PASSWORD);
	await page.locator('button[type=submit]').click();
	await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Logs the context in through the API; returns the CSRF token for further API calls. */
export async function loginThroughApi(
	ctx: BrowserContext,
	baseUrl: string,
	username: string
): Promise<string> {
	const res = await ctx.request.post(`${baseUrl}/api/session`, {
		data: { username, password: DEFAULT_DEMO_PASSWORD },
		headers: { origin: baseUrl }
	});
	if (!res.ok()) throw new Error(`login as ${username}: ${res.status()} ${await res.text()}`);
	return ((await res.json()) as { csrfToken: string }).csrfToken;
}
