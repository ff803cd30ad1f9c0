/**
 * The server `npm start` runs is compiled by esbuild without keepNames: under tsx every function
 * made at run time was wrapped in a defineProperty call (`__name`), which made memory per
 * connection 1.8x the stock y-websocket server's (scripts/run-server.mjs).
 */
import { build } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverBuildOptions } from '../../scripts/server-build-options.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the compiled server', () => {
	it('bundles server/start.ts with no keepNames wrappers and node_modules left external', async () => {
		const options = serverBuildOptions(ROOT, 'server/start.ts', 'out.mjs');
		const out = await build({ ...options, write: false, sourcemap: false });
		const code = out.outputFiles![0]!.text;
		expect(code).not.toMatch(/__name\(/);
		expect(code).toMatch(/from "yjs"/);
		expect(code).toMatch(/var RoomRegistry = class/);
	}, 60_000);
});
