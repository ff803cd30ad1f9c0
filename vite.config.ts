import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const backend = `http://127.0.0.1:${process.env.SITROOM_API_PORT ?? '3001'}`;

export default defineConfig({
	plugins: [sveltekit()],
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
