import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [svelte()],
	resolve: { conditions: ['browser'] },
	test: {
		include: ['tests/**/*.test.ts', 'src/**/*.test.ts', 'server/**/*.test.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		// Integration tests start real servers and child processes; two cores are all we have.
		fileParallelism: true,
		maxWorkers: 2
	}
});
