import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// The Express server in server/ mounts the adapter-node handler; it owns the port.
		adapter: adapter({ out: 'build' }),
		alias: { '#domain': 'src/lib/domain' }
	}
};

export default config;
