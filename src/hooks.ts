/**
 * Universal hooks (server and browser). The development pages under src/routes/dev (the map
 * workbench, the core's minimal room page) exist for `npm run dev` and the map's browser test;
 * the production build must not offer them: they show sample data without signing in and join
 * rooms outside the incident screens. Rerouting them to a path with no route makes both the
 * server and the client router answer 404 there.
 */
import { dev } from '$app/environment';
import type { Reroute } from '@sveltejs/kit';

const DEV_PAGES = /^\/dev(\/|$)/;

export const reroute: Reroute = ({ url }) => {
	if (!dev && DEV_PAGES.test(url.pathname)) return '/__development-pages-are-not-built-for-production';
};
