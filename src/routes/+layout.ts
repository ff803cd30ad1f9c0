import { session } from '$lib/state/session.svelte';
import type { LayoutLoad } from './$types';

// Every page is live and per-user: nothing useful renders on the server before the session
// and the socket are there, so the app is client-rendered (adapter-node serves the shell).
export const ssr = false;
export const prerender = false;

/** The session request starts with the app, beside the page's code, not after the first render. */
export const load: LayoutLoad = () => {
	session.load().catch(() => {
		// The layout's own load() call shows the error.
	});
};
