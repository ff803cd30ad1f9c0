/**
 * Decides whether the app build is current: a hash of the sources that go into it, written
 * beside the build. `npm start` rebuilds when the hash differs (after a pull, for instance),
 * so the two-command promise holds on a machine that already built once.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const INPUTS = ['src', 'static', 'jurisdiction', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
const STAMP = '.source-hash';

export function sourceHash(root: string): string {
	const h = crypto.createHash('sha256');
	const visit = (p: string): void => {
		if (!fs.existsSync(p)) return;
		const st = fs.statSync(p);
		if (st.isDirectory()) {
			for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
		} else {
			h.update(path.relative(root, p));
			h.update(fs.readFileSync(p));
		}
	};
	for (const i of INPUTS) visit(path.join(root, i));
	return h.digest('hex');
}

export function buildIsCurrent(root: string, buildDir: string): boolean {
	const stamp = path.join(buildDir, STAMP);
	if (!fs.existsSync(path.join(buildDir, 'handler.js')) || !fs.existsSync(stamp)) return false;
	return fs.readFileSync(stamp, 'utf8') === sourceHash(root);
}

export function writeBuildStamp(root: string, buildDir: string): void {
	fs.writeFileSync(path.join(buildDir, STAMP), sourceHash(root));
}
