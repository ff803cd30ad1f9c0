/// <reference types="@sveltejs/kit" />
/**
 * The app shell for phones with no network: this build's code, styles and static files, and the
 * page shell (every page is client-rendered, `ssr = false`, so one shell serves every route),
 * cached at install and served from the cache; map tiles of the operator's online layers in a
 * cache of their own that an app update keeps. Never the API, Socket.IO, y-websocket or health
 * probes: those always go to the network (live data lives in the Yjs documents and the outbox in
 * IndexedDB, not here).
 *
 * An update installs only when nothing waits on this device: no change in any room's outbox, no
 * photo, position fix or warning acknowledgement in their queues (waiting-registry.ts counts them all): the new version then activates once the old pages are closed, as
 * service workers do, and never while a field member's work is not on the server.
 */
import { build, files, version } from '$service-worker';
import { summarise, waitingEntries } from '$lib/offline/waiting-registry';

const sw = self as unknown as ServiceWorkerGlobalScope;

const APP_PREFIX = 'sitroom-app-';
const APP = `${APP_PREFIX}${version}`;
/** Map tiles, kept across app updates. */
const MAP_TILES = 'sitroom-map-tiles';
const MAP_TILES_MAX = 4_000;
/** The page shell's key in the app cache. */
const SHELL = '/';
/** Paths that are live server traffic, never cached. */
const LIVE = /^\/(api|socket\.io|yjs|healthz|readyz)(\/|$)/;

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const waiting = await waitingEntries().catch(() => []);
			if (waiting.length > 0) {
				// Rejecting the install keeps the running version; the browser tries again later.
				const n = summarise(waiting);
				throw new Error(
					`not installing ${version}: ${n.changes} change(s), ${n.photos} photo(s), ${n.fixes} position fix(es) and ${n.acks} acknowledgement(s) wait on this device`
				);
			}
			const cache = await caches.open(APP);
			await cache.addAll([...build, ...files]);
			const shell = await fetch(SHELL, { credentials: 'same-origin', cache: 'no-store' });
			if (!shell.ok) throw new Error(`the page shell answered ${shell.status}`);
			await cache.put(SHELL, shell);
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key.startsWith(APP_PREFIX) && key !== APP) await caches.delete(key);
			}
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('fetch', (event) => {
	const req = event.request;
	if (req.method !== 'GET') return;
	const url = new URL(req.url);
	const sameOrigin = url.origin === sw.location.origin;
	if (sameOrigin && LIVE.test(url.pathname)) return;
	if (req.mode === 'navigate' && sameOrigin) {
		event.respondWith(fromApp(SHELL, req));
	} else if (sameOrigin) {
		event.respondWith(fromApp(url.pathname, req));
	} else if (req.destination === 'image' && /^https?:$/.test(url.protocol)) {
		event.respondWith(mapTile(req));
	}
});

/** This build's file (or the shell) from the cache; anything else from the network. */
async function fromApp(key: string, req: Request): Promise<Response> {
	const cache = await caches.open(APP);
	const hit = await cache.match(key);
	return hit ?? fetch(req);
}

/** A tile from the cache, or fetched and kept (tiles of a layer change rarely). */
async function mapTile(req: Request): Promise<Response> {
	const cache = await caches.open(MAP_TILES);
	const hit = await cache.match(req);
	if (hit) return hit;
	const res = await fetch(req);
	if (res.ok) {
		await cache.put(req, res.clone());
		void trim(cache);
	}
	return res;
}

/** Keeps the tile cache under its limit, oldest first (keys come in insertion order). */
async function trim(cache: Cache): Promise<void> {
	const keys = await cache.keys();
	for (const k of keys.slice(0, Math.max(0, keys.length - MAP_TILES_MAX))) await cache.delete(k);
}
