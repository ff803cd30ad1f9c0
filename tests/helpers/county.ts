/**
 * A copy of the shipped county (jurisdiction/chaotian) in a temporary folder, with its warning
 * webhooks replaced: for servers started with JURISDICTION_DIR pointing at it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function countyWith(webhooks: unknown[]): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitroom-county-'));
	fs.cpSync(path.resolve('jurisdiction/chaotian'), dir, { recursive: true });
	const file = path.join(dir, 'warnings.json');
	const county = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
	fs.writeFileSync(file, JSON.stringify({ ...county, webhooks }));
	return dir;
}
