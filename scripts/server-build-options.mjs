/**
 * How `scripts/run-server.mjs` compiles a server entry point with esbuild (one place, so that the
 * test of the compiled output, tests/unit/server-build.test.ts, checks what `npm start` runs).
 * Plain compilation, no keepNames (run-server.mjs says why); node_modules stay external.
 *
 * @param {string} root the repository
 * @param {string} entry the entry point, relative to `root`
 * @param {string} outfile where the module goes
 * @returns {import('esbuild').BuildOptions}
 */
export function serverBuildOptions(root, entry, outfile) {
	return {
		absWorkingDir: root,
		entryPoints: [entry],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: `node${process.versions.node.split('.')[0]}`,
		packages: 'external',
		sourcemap: 'inline',
		logLevel: 'warning'
	};
}
