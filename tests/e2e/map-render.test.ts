/**
 * The room map with a heavy incident, in real Chromium against the built app: its image layers
 * (basemap, annotation symbols, tasks) are blended as one merged image while the view moves
 * (src/lib/map/layers/movement-composite.ts). The map must still show every layer during a drag
 * and after it, and a click must still select what is under it. One annotation sits alone at the
 * centre of the district (where the map opens centred), among 1,500 others and 300 tasks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { io as ioClient } from 'socket.io-client';
import * as Y from 'yjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentDoc } from '#domain/incident-doc';
import { SyncProvider, type AppSocket } from '../../src/lib/realtime/sync-provider.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { annotationOf, taskOf } from '../../bench/scenarios/render.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughApi } from './helpers/session.ts';
import { DEFAULT_DEMO_PASSWORD } from '../../server/config.ts';

const noChromium = skipWithoutChromium('map render e2e');

let server: TestServer;
let browser: LaunchedBrowser;
let incident = '';
/** The district's centre (lon, lat): where the map opens, fitted to the district. */
let centre: [number, number] = [0, 0];

function mercatorY(lat: number): number {
	return Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
}

/** The centre of the district boundary's extent in the map's projection, as lon/lat. */
function districtCentre(): [number, number] {
	let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
	const visit = (c: unknown): void => {
		if (Array.isArray(c) && typeof c[0] === 'number') {
			const [lon, lat] = c as [number, number];
			w = Math.min(w, lon);
			e = Math.max(e, lon);
			s = Math.min(s, lat);
			n = Math.max(n, lat);
		} else if (Array.isArray(c)) c.forEach(visit);
	};
	const file = path.resolve(
		import.meta.dirname,
		'../../jurisdiction/chaotian/district_boundary.wgs84.geojson'
	);
	const boundary = JSON.parse(fs.readFileSync(file, 'utf8')) as {
		features: { geometry: { coordinates: unknown } | null }[];
	};
	for (const f of boundary.features) if (f.geometry) visit(f.geometry.coordinates);
	const y = (mercatorY(s) + mercatorY(n)) / 2;
	return [(w + e) / 2, ((2 * Math.atan(Math.exp(y)) - Math.PI / 2) * 180) / Math.PI];
}

async function seed(url: string): Promise<string> {
	const login = await fetch(`${url}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ username: 'commander', password: DEFAULT_DEMO_PASSWORD })
	});
	const body = (await login.json()) as { csrfToken: string; user: { id: string; orgId: string } };
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
	const who = { userId: body.user.id, orgId: body.user.orgId };
	const res = await fetch(`${url}/api/incidents`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url, cookie, 'x-csrf-token': body.csrfToken },
		body: JSON.stringify({
			name: '地图渲染：大量标绘',
			type: 'flood',
			severity: 'major',
			level: 'II',
			townships: ['510812100'],
			location: centre,
			occurredAt: new Date().toISOString()
		})
	});
	const { incident: created } = (await res.json()) as { incident: { id: string } };
	const socket: AppSocket = ioClient(url, {
		transports: ['websocket'],
		extraHeaders: { cookie, origin: url },
		forceNew: true
	});
	const ydoc = new Y.Doc();
	let state = { synced: false, unsaved: false };
	const provider = new SyncProvider(socket, created.id, ydoc, { onState: (s) => (state = s) });
	const until = async (check: () => boolean) => {
		const t0 = Date.now();
		while (!check()) {
			if (Date.now() - t0 > 60_000) throw new Error('seeding timed out');
			await new Promise((r) => setTimeout(r, 20));
		}
	};
	try {
		await until(() => state.synced);
		const doc = new IncidentDoc(ydoc);
		// Keep the others 0.06° away from the centre, so a click there finds the lone annotation.
		const far = ([lon, lat]: number[]) =>
			Math.abs(lon! - centre[0]) > 0.06 || Math.abs(lat! - centre[1]) > 0.06;
		ydoc.transact(() => {
			for (let i = 0; i < 1500; i++) {
				const a = annotationOf(i, who);
				const first = a.geometry.type === 'Point' ? a.geometry.coordinates : a.geometry.coordinates.flat(2);
				if (far(first as number[])) doc.addAnnotation(`a${i}`, a);
			}
			doc.addAnnotation('lone', {
				...annotationOf(2, who),
				kind: 'shelter',
				label: '中心安置点',
				geometry: { type: 'Point', coordinates: centre }
			});
		});
		ydoc.transact(() => {
			for (let i = 0; i < 300; i++) {
				const t = taskOf(i, who);
				if (t.location && far(t.location)) doc.addTask(`t${i}`, t);
			}
		});
		await until(() => !state.unsaved);
	} finally {
		provider.destroy();
		socket.disconnect();
		ydoc.destroy();
	}
	return created.id;
}

/** The map canvas's pixels in a square of 2 × `radius` + 1 around a point of the page, as [r, g, b, a]. */
async function pixelsAround(page: Page, x: number, y: number, radius: number): Promise<number[][]> {
	return page.evaluate(
		([px, py, rad]) => {
			const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=map] canvas')!;
			const r = canvas.getBoundingClientRect();
			const side = 2 * rad! + 1;
			const d = canvas
				.getContext('2d')!
				.getImageData(Math.round(px! - r.left) - rad!, Math.round(py! - r.top) - rad!, side, side).data;
			const out: number[][] = [];
			for (let i = 0; i < d.length; i += 4) out.push([d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!]);
			return out;
		},
		[x, y, radius]
	);
}

/** Whether the shelter symbol (green #1a9641 badge, white house) is drawn around a point. */
async function shelterAt(page: Page, x: number, y: number): Promise<boolean> {
	const green = (await pixelsAround(page, x, y, 9)).filter(
		([r, g, b, a]) => a! > 200 && g! > 120 && r! < 80 && b! < 110
	);
	return green.length >= 40;
}

async function drawnRoom(page: Page): Promise<{ x: number; y: number }> {
	await page.goto(`${server.url}/incidents/${incident}`);
	await page.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 30_000 });
	await page.waitForFunction(
		() =>
			Number(document.querySelector('[data-testid=room-map]')?.getAttribute('data-rendered-annotations')) >
			1000,
		null,
		{ timeout: 60_000 }
	);
	const box = (await page.locator('[data-testid=map]').boundingBox())!;
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

beforeAll(async () => {
	if (noChromium) return;
	centre = districtCentre();
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1' });
	incident = await seed(server.url);
	browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
});

describe.skipIf(noChromium)('the room map with a heavy incident', () => {
	it('shows the symbols during a drag and after it, and selects the annotation clicked', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
		await loginThroughApi(ctx, server.url, 'commander');
		const page = await ctx.newPage();
		const c = await drawnRoom(page);
		await expect.poll(async () => await shelterAt(page, c.x, c.y), { timeout: 20_000 }).toBe(true);

		// Mid-drag the map shows its images merged: the symbol moved with the hand.
		await page.mouse.move(c.x, c.y);
		await page.mouse.down();
		for (let s = 1; s <= 10; s++) await page.mouse.move(c.x + s * 12, c.y + s * 8);
		await page.waitForTimeout(100);
		expect(await shelterAt(page, c.x + 120, c.y + 80)).toBe(true);
		// The basemap's land is in the same frame too: nothing left blank.
		const around = await pixelsAround(page, c.x + 120, c.y + 80, 40);
		expect(around.filter(([, , , a]) => a! < 200)).toEqual([]);
		for (let s = 9; s >= 0; s--) await page.mouse.move(c.x + s * 12, c.y + s * 8);
		await page.mouse.up();
		// Past the kinetic pan that follows a drag.
		await page.waitForTimeout(1500);

		// Back where it was: drawn again once the view settles, and a click selects it.
		await page.getByRole('button', { name: /全区|district/i }).click();
		await expect.poll(async () => await shelterAt(page, c.x, c.y), { timeout: 20_000 }).toBe(true);
		await page.waitForTimeout(500);
		await page.mouse.click(c.x, c.y);
		const panel = page.locator('[data-testid=annotation-panel]');
		await panel.waitFor({ timeout: 10_000 });
		await expect.poll(() => panel.locator('[data-testid=annotation-label]').inputValue()).toBe('中心安置点');
		await ctx.close();
	}, 120_000);
});
