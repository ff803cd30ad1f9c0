import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';
import { extendPagePolicy } from './server/transport/page-policy.ts';

const backend = `http://127.0.0.1:${process.env.SITROOM_API_PORT ?? '3001'}`;

/**
 * Under `vite dev` the pages' Content-Security-Policy (svelte.config.js) comes from Vite, not our
 * server, which adds the configured tile servers in production. The development map page offers
 * example online layers of public tile servers, and a developer may point MAP_LAYERS anywhere:
 * here, images from any web host are allowed.
 */
function developmentPagePolicy(): Plugin {
	return {
		name: 'sitroom-development-page-policy',
		apply: 'serve',
		configureServer(server) {
			server.middlewares.use(extendPagePolicy({ 'img-src': ['http:', 'https:'] }));
		}
	};
}

export default defineConfig({
	plugins: [developmentPagePolicy(), sveltekit()],
	server: {
		// `npm run dev`: the realtime server runs beside Vite; these paths belong to it.
		proxy: {
			'/api': backend,
			'/healthz': backend,
			'/readyz': backend,
			'/socket.io': { target: backend, ws: true },
			'/yjs': { target: backend, ws: true }
		}
	}
});
