/**
 * Real Chromium for end-to-end tests and the render benchmark: Debian's /usr/bin/chromium driven
 * by playwright-core, headless, with a fresh profile each launch (playwright's launch() makes a
 * new temporary --user-data-dir itself and refuses one passed as a flag), and every request that is not
 * to 127.0.0.1 or localhost blocked (the machines have no internet; a test must never wait on an
 * unreachable tile server): by request interception, or for measurements by a dead proxy.
 */
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

export function chromiumAvailable(): boolean {
	return fs.existsSync(CHROMIUM_PATH);
}

/**
 * Whether the e2e suite `name` must skip: only when there is no Chromium at CHROMIUM_PATH, and then
 * it says so on stderr, so a skipped browser test is never mistaken for a passing one.
 */
export function skipWithoutChromium(name: string): boolean {
	if (chromiumAvailable()) return false;
	console.warn(`${name} skipped: ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
	return true;
}

export interface LaunchedBrowser {
	browser: Browser;
	/** A new isolated context (its own cookies) with off-host requests blocked. */
	newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
	close(): Promise<void>;
}

function isLocal(url: string): boolean {
	try {
		const u = new URL(url);
		if (u.protocol === 'data:' || u.protocol === 'blob:') return true;
		return u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
	} catch {
		return false;
	}
}

export interface LaunchOptions {
	/**
	 * How off-host requests are blocked. 'route' (the default) aborts them through Playwright's
	 * request interception, which also disables the browser's HTTP cache and sends every request
	 * through this process; 'proxy' sends them to a closed local port instead (Chromium's
	 * --proxy-server, loopback bypassed), so the page loads as in a real browser, cache included:
	 * for measurements.
	 */
	block?: 'route' | 'proxy';
	/** More Chromium flags (e.g. for frame timing). */
	args?: string[];
}

export async function launchBrowser(opts: LaunchOptions = {}): Promise<LaunchedBrowser> {
	const proxy = opts.block === 'proxy';
	const args = [
		...FLAGS,
		...(proxy ? ['--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=127.0.0.1;localhost;[::1]'] : []),
		...(opts.args ?? [])
	];
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
	const contexts: BrowserContext[] = [];
	return {
		browser,
		async newContext(options = {}) {
			const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
			if (!proxy)
				await ctx.route('**/*', (route) =>
					isLocal(route.request().url()) ? route.continue() : route.abort()
				);
			contexts.push(ctx);
			return ctx;
		},
		async close() {
			for (const c of contexts) await c.close().catch(() => undefined);
			await browser.close().catch(() => undefined);
		}
	};
}
