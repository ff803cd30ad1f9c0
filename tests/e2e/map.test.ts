/**
 * The situation map in real Chromium: the development page (src/routes/dev/map) served by Vite,
 * with every request that is not to 127.0.0.1 blocked, as on an intranet without internet.
 * Skips only when /usr/bin/chromium is missing. Screenshots go to test-results/ (not committed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { CHROMIUM_PATH, skipWithoutChromium } from './helpers/browser.ts';

const noChromium = skipWithoutChromium('map e2e');

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(ROOT, 'test-results');

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as net.AddressInfo;
			s.close(() => resolve(port));
		});
	});
}

/** Starts `vite dev` in a child process (not inside vitest's own Vite) and waits for it. */
async function startVite(port: number, apiPort: number): Promise<ChildProcess> {
	const env: NodeJS.ProcessEnv = { ...process.env, SITROOM_API_PORT: String(apiPort) };
	for (const k of Object.keys(env))
		if (k.startsWith('VITEST') || k === 'TEST' || k === 'NODE_ENV') delete env[k];
	const child = spawn(
		process.execPath,
		[
			path.join(ROOT, 'node_modules/vite/bin/vite.js'),
			'dev',
			'--port',
			String(port),
			'--strictPort',
			'--host',
			'127.0.0.1'
		],
		{ cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }
	);
	let output = '';
	child.stdout?.on('data', (d) => (output += String(d)));
	child.stderr?.on('data', (d) => (output += String(d)));
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`vite exited early:\n${output}`);
		try {
			const r = await fetch(`http://127.0.0.1:${port}/dev/map`);
			if (r.ok) return child;
		} catch {
			// Not listening yet.
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	child.kill('SIGKILL');
	throw new Error(`vite did not start within 60 s:\n${output}`);
}

describe.skipIf(noChromium)('situation map in Chromium', () => {
	let vite: ChildProcess | undefined;
	let api: TestServer | undefined;
	let context: BrowserContext | undefined;
	let profile = '';
	let page: Page;
	let base = '';
	const pageErrors: string[] = [];

	beforeAll(async () => {
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		// Another suite's `vite build` rewrites .svelte-kit/, which `vite dev` watches: the page
		// would reload mid-test and lose its state (seen in CI on a clean checkout). The build is
		// made (or waited for) first; once it is current no suite builds again.
		await ensureAppBuild();
		// The app shell asks the API for the session (the dev page needs none, but must get an answer).
		api = await startTestServer();
		vite = await startVite(port, api.port);
		profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sitroom-chromium-'));
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM_PATH,
			headless: true,
			viewport: { width: 1400, height: 900 },
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		});
		// An intranet without internet: only the local server answers.
		await context.route('**/*', async (route) => {
			const host = new URL(route.request().url()).hostname;
			if (host === '127.0.0.1') return route.continue();
			// Unreachable tile servers fail slowly, as a real timeout would: long enough for the
			// test to see the GCJ-02 display before the page falls back to the offline basemap.
			if (host.endsWith('autonavi.com')) await new Promise((r) => setTimeout(r, 1500));
			return route.abort('internetdisconnected');
		});
		page = context.pages()[0] ?? (await context.newPage());
		page.on('pageerror', (e) => pageErrors.push(String(e)));
		// First load compiles OpenLayers in Vite's dependency optimiser: allow it time.
		await page.goto(`${base}/dev/map`, { timeout: 90_000 });
		await page.waitForFunction(() => 'sitroomDev' in window, undefined, { timeout: 60_000 });
		await page.evaluate(
			() =>
				new Promise<void>((resolve) => {
					const { handle } = (
						window as unknown as { sitroomDev: { handle: { map: import('ol/Map.js').default } } }
					).sitroomDev;
					handle.map.once('rendercomplete', () => resolve());
					handle.map.render();
				})
		);
		fs.mkdirSync(SHOTS, { recursive: true });
		await page.screenshot({ path: path.join(SHOTS, 'map-dev.png') });
	}, 180_000);

	afterAll(async () => {
		await context?.close();
		if (vite && vite.exitCode === null) {
			const exited = new Promise((r) => vite!.once('exit', r));
			vite.kill('SIGTERM');
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
			if (vite.exitCode === null) vite.kill('SIGKILL');
		}
		await api?.dispose();
		if (profile) fs.rmSync(profile, { recursive: true, force: true });
	});

	it('renders the offline basemap with no internet: drawn pixels, township seats, data credits', async () => {
		const drawn = await page.evaluate(() => {
			let painted = 0;
			const colours = new Set<number>();
			for (const canvas of document.querySelectorAll<HTMLCanvasElement>('[data-testid="map"] canvas')) {
				const ctx = canvas.getContext('2d');
				if (!ctx || !canvas.width) continue;
				const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
				for (let i = 0; i < data.length; i += 4 * 7) {
					if (data[i + 3]! > 0) {
						painted++;
						colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
					}
				}
			}
			return { painted, colours: colours.size };
		});
		expect(drawn.painted).toBeGreaterThan(10_000);
		expect(drawn.colours).toBeGreaterThan(20);

		const townships = await page.evaluate(() => {
			const { handle } = (
				window as unknown as {
					sitroomDev: { handle: import('../../src/lib/map/map-handle.svelte.ts').MapHandle };
				}
			).sitroomDev;
			const layer = handle.findLayer('basemap') as import('ol/layer/VectorImage.js').default;
			return layer
				.getSource()!
				.getFeatures()
				.filter((f) => f.get('basemap') === 'seat')
				.map((f) => String(f.get('name')));
		});
		expect(townships).toHaveLength(10);
		expect(townships).toContain('朝天镇');
		expect(townships).toContain('曾家镇');

		const credits = await page.getByRole('contentinfo').textContent();
		expect(credits).toContain('Vonng/adcode');
		expect(credits).toContain('Natural Earth');
		expect(pageErrors).toEqual([]);
	});

	it('adds an annotation to the document when a point is drawn through the toolbar', async () => {
		const before = await page.evaluate(
			() =>
				(window as unknown as { sitroomDev: { doc: { annotations: { size: number } } } }).sitroomDev.doc
					.annotations.size
		);
		await page.getByTestId('draw-kind').selectOption('command_post');
		await page.getByTestId('draw-toggle').click();
		const box = (await page.getByTestId('map').boundingBox())!;
		const at = { x: box.x + box.width * 0.42, y: box.y + box.height * 0.55 };
		await page.mouse.click(at.x, at.y);

		const created = await page.waitForFunction(
			(n) => {
				const { doc } = (
					window as unknown as {
						sitroomDev: { doc: import('../../src/lib/domain/incident-doc.ts').IncidentDoc };
					}
				).sitroomDev;
				if (doc.annotations.size <= n) return null;
				return doc
					.list<{ kind: string; geometry: { type: string; coordinates: number[] }; createdBy: string }>(
						'annotations'
					)
					.find(
						(a) => a.kind === 'command_post' && a.createdBy === 'demo-commander' && !a.id.startsWith('s-')
					);
			},
			before,
			{ timeout: 5000 }
		);
		const annotation = (await created.jsonValue()) as {
			id: string;
			geometry: { type: string; coordinates: number[] };
		};
		expect(annotation.geometry.type).toBe('Point');
		// The stored point is where the click was: ask the map for the clicked pixel's WGS84 position.
		const clicked = await page.evaluate(
			({ x, y, left, top }) => {
				const { handle } = (
					window as unknown as {
						sitroomDev: { handle: import('../../src/lib/map/map-handle.svelte.ts').MapHandle };
					}
				).sitroomDev;
				return handle.fromView(handle.map.getCoordinateFromPixel([x - left, y - top]));
			},
			{ ...at, left: box.x, top: box.y }
		);
		expect(annotation.geometry.coordinates[0]).toBeCloseTo(clicked[0], 4);
		expect(annotation.geometry.coordinates[1]).toBeCloseTo(clicked[1], 4);

		// The new annotation is selected and its details open for naming it.
		await page.getByTestId('draw-toggle').click();
		await page.getByTestId('annotation-label').fill('前线指挥部');
		await page
			.getByTestId('annotation-panel')
			.getByRole('button', { name: /保存|Save/ })
			.click();
		const label = await page.evaluate(
			(id) =>
				(
					window as unknown as {
						sitroomDev: { doc: import('../../src/lib/domain/incident-doc.ts').IncidentDoc };
					}
				).sitroomDev.doc.annotations
					.get(id)
					?.get('label'),
			annotation.id
		);
		expect(label).toBe('前线指挥部');
		await page.screenshot({ path: path.join(SHOTS, 'map-dev-drawn.png') });
	});

	it('shifts features for display on a GCJ-02 base layer, keeps WGS84 stored, and falls back offline', async () => {
		const displayed = () =>
			page.evaluate(() => {
				const { handle, doc } = (
					window as unknown as {
						sitroomDev: {
							handle: import('../../src/lib/map/map-handle.svelte.ts').MapHandle;
							doc: import('../../src/lib/domain/incident-doc.ts').IncidentDoc;
						};
					}
				).sitroomDev;
				const layer = handle.findLayer('annotations') as import('ol/layer/Vector.js').default;
				const point = layer
					.getSource()!
					.getFeatureById('s-post')!
					.getGeometry() as import('ol/geom/Point.js').default;
				return { view: point.getCoordinates(), stored: doc.annotations.get('s-post')!.get('geometry') };
			});
		const before = await displayed();
		await page.getByRole('button', { name: /图层|Layers/ }).click();
		await page.getByLabel('高德地图（GCJ-02）').check();
		const during = await displayed();
		const dx = during.view[0]! - before.view[0]!;
		const dy = during.view[1]! - before.view[1]!;
		// Web-Mercator metres at 32.6°N are ~1.19 ground metres each; the GCJ-02 shift here is ~300–600 m.
		expect(Math.hypot(dx, dy)).toBeGreaterThan(300);
		expect(Math.hypot(dx, dy)).toBeLessThan(800);
		expect(during.stored).toEqual(before.stored);
		// Its tiles cannot load here: the page is told, and goes back to the offline basemap.
		await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('高德地图');
		await expect.poll(async () => (await displayed()).view).toEqual(before.view);
		await page.getByRole('button', { name: /图层|Layers/ }).click();
	});

	it('follows the presenter’s view until the user pans away, and goes back on request', async () => {
		type Dev = {
			sitroomDev: {
				present(v: { center: [number, number]; zoom: number } | null): void;
				isFollowing(): boolean;
				handle: import('../../src/lib/map/map-handle.svelte.ts').MapHandle;
			};
		};
		const view = () =>
			page.evaluate(() => {
				const { handle } = (window as unknown as Dev).sitroomDev;
				return {
					center: handle.fromView(handle.map.getView().getCenter()!),
					zoom: handle.map.getView().getZoom()!
				};
			});
		await page.evaluate(() =>
			(window as unknown as Dev).sitroomDev.present({ center: [106.1, 32.62], zoom: 13 })
		);
		await expect.poll(async () => (await view()).zoom, { timeout: 5000 }).toBeCloseTo(13, 1);
		// The zoom is within its tolerance while the animation still moves the centre: poll that too.
		await expect.poll(async () => (await view()).center[0], { timeout: 5000 }).toBeCloseTo(106.1, 3);

		// A drag on the map breaks away from the presenter.
		const box = (await page.getByTestId('map').boundingBox())!;
		await page.mouse.move(box.x + 300, box.y + 300);
		await page.mouse.down();
		await page.mouse.move(box.x + 500, box.y + 400, { steps: 5 });
		await page.mouse.up();
		await expect
			.poll(() => page.evaluate(() => (window as unknown as Dev).sitroomDev.isFollowing()))
			.toBe(false);
		await page.evaluate(() =>
			(window as unknown as Dev).sitroomDev.present({ center: [105.8, 32.55], zoom: 12 })
		);
		await page.waitForTimeout(500);
		expect((await view()).center[0]).not.toBeCloseTo(105.8, 2);

		await page.getByTestId('return-to-presenter').click();
		await expect.poll(async () => (await view()).center[0], { timeout: 5000 }).toBeCloseTo(105.8, 3);
		await page.evaluate(() => (window as unknown as Dev).sitroomDev.present(null));
	});

	it('offers no drawing or editing to a read-only user', async () => {
		await page.getByTestId('read-only').check();
		await expect.poll(() => page.getByTestId('draw-toggle').count()).toBe(0);
		await expect.poll(() => page.getByTestId('annotation-label').count()).toBe(0);
		await page.getByTestId('read-only').uncheck();
	});
});
