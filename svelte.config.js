import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * The Content-Security-Policy of every page. SvelteKit sends it as a header and adds a nonce for
 * its own inline start-up script to script-src, so no script runs unless it is one of ours.
 * Sources only known at run time are added by the server: the configured online map layers'
 * tile servers to img-src (server/transport/page-policy.ts); under `vite dev`, any web host, for
 * the development pages' example layers (vite.config.ts). Responses that are not pages (the API,
 * static files) get a policy that allows nothing (server/transport/security-headers.ts).
 */
const contentSecurityPolicy = {
	'default-src': ['self'],
	'script-src': ['self'],
	// Style sheets and <style> elements: the built CSS files only (or SvelteKit's nonce).
	'style-src': ['self'],
	// Style attributes are allowed: SvelteKit's own live-region announcer (its generated root)
	// and OpenLayers' scale bar (markup whose widths change with every zoom) are written with
	// them; neither can be hashed ahead or avoided. An attribute styles only its own element: no
	// selectors, so nothing on the page can be read out through it, and a url() in it is still
	// held to img-src. Scripts stay nonce-only, <style> elements stay refused.
	'style-src-attr': ['unsafe-inline'],
	// The map draws offline data on canvases; its markers are data: images; OpenLayers makes
	// blob: images of some canvases. Online tile servers are added at run time (see above).
	'img-src': ['self', 'data:', 'blob:'],
	// Video feeds are web addresses users type in, on any camera gateway (often plain http on
	// an intranet): hls.js fetches their playlists and segments, so any http(s) host; 'self'
	// covers the API and the Socket.IO / y-websocket connections to this origin.
	'connect-src': ['self', 'http:', 'https:'],
	// Native HLS (Safari, tablets, recent Chromium) plays the feed's own address; hls.js plays
	// a Media Source through a blob: URL.
	'media-src': ['self', 'blob:', 'http:', 'https:'],
	// hls.js's UMD build runs its transmuxer in a worker started from a blob: URL (the ESM build
	// bundled here transmuxes on the main thread); only a script already running here can make one.
	'worker-src': ['self', 'blob:'],
	'object-src': ['none'],
	'base-uri': ['self'],
	'form-action': ['self'],
	// No other site may frame the situation room (clickjacking); a header, so it is enforced.
	'frame-ancestors': ['none']
};

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// The Express server in server/ mounts the adapter-node handler; it owns the port.
		adapter: adapter({ out: 'build' }),
		alias: { '#domain': 'src/lib/domain' },
		// Absolute asset paths: the service worker serves one page shell for every route offline,
		// and a shell with paths relative to '/' would point a nested route at missing files.
		paths: { relative: false },
		csp: { mode: 'auto', directives: contentSecurityPolicy }
	}
};

export default config;
