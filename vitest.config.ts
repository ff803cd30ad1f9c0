import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [svelte()],
	// The app's own alias (SvelteKit sets it for the app), for the app modules tests import.
	resolve: { conditions: ['browser'], alias: { $lib: path.resolve('src/lib') } },
	test: {
		include: ['tests/**/*.test.ts', 'src/**/*.test.ts', 'server/**/*.test.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		// Integration tests start real servers and child processes; two cores are all we have.
		fileParallelism: true,
		maxWorkers: 2
	}
});
