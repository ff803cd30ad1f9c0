/**
 * CAP 1.2 export: issue, update (续发) and cancel (解除) of one warning each validate against the
 * OASIS CAP 1.2 schema (tests/warnings/cap/CAP-v1.2.xsd, checked by xmllint from Debian's
 * libxml2-utils), and the identifier, sent time, message types, references, severity, colour
 * parameter, geocodes and polygon are checked field by field.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarningDetail } from '../../src/lib/domain/api/warnings.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';
import { CHAOTIAN, DATAN, validWarning } from './helpers.ts';

const XSD = path.join(import.meta.dirname, 'cap', 'CAP-v1.2.xsd');
const work = tempDataDir('sitroom-cap-');

/** Runs xmllint on the XML; returns its verdict (stderr) and whether it validated. */
function validate(xml: string, name: string): { ok: boolean; output: string } {
	const file = path.join(work, `${name}.xml`);
	fs.writeFileSync(file, xml);
	try {
		execFileSync('xmllint', ['--noout', '--schema', XSD, file], { stdio: 'pipe' });
		return { ok: true, output: '' };
	} catch (err) {
		return { ok: false, output: String((err as { stderr?: Buffer }).stderr ?? err) };
	}
}

const one = (xml: string, tag: string): string | undefined =>
	new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
const all = (xml: string, tag: string): string[] =>
	[...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

describe('CAP 1.2 export', () => {
	let server: TestServer;
	let commander: TestSession;
	let id: string;
	const caps: string[] = [];

	beforeAll(async () => {
		server = await startTestServer({ SITROOM_STORE: 'memory' });
		commander = await server.login('commander');
		const polygon = [
			[105.88, 32.64],
			[105.9, 32.64],
			[105.9, 32.66],
			[105.88, 32.64]
		];
		const res = await call<{ id: string }>(
			server.url,
			commander,
			'POST',
			'/api/warnings',
			validWarning({
				targets: [CHAOTIAN, DATAN],
				area: { townships: ['510812100'], villages: ['510812101200'], polygon, description: '' }
			})
		);
		id = res.body.id;
		const content = {
			...validWarning({ level: 'orange', title: '洪水橙色预警(续发)' }),
			kind: undefined,
			targets: undefined
		};
		expect((await call(server.url, commander, 'POST', `/api/warnings/${id}/update`, content)).status).toBe(
			200
		);
		expect(
			(
				await call(server.url, commander, 'POST', `/api/warnings/${id}/cancel`, {
					reason: '水位回落 & 雨停 <解除>'
				})
			).status
		).toBe(200);
		for (const v of [1, 2, 3]) {
			const r = await fetch(`${server.url}/api/warnings/${id}/cap?version=${v}`, {
				headers: { cookie: commander.cookie }
			});
			expect(r.status).toBe(200);
			expect(r.headers.get('content-type')).toMatch(/^application\/cap\+xml/);
			caps.push(await r.text());
		}
	});
	afterAll(async () => {
		await server?.dispose();
		fs.rmSync(work, { recursive: true, force: true });
	});

	it('the validator is real: it refuses a message with a wrong severity', () => {
		expect(validate(caps[0]!, 'issue').ok).toBe(true);
		const broken = validate(
			caps[0]!.replace('<severity>Extreme</severity>', '<severity>Red</severity>'),
			'broken'
		);
		expect(broken.ok).toBe(false);
		expect(broken.output).toMatch(/severity/);
	});

	it('issue, update and cancel each validate against the CAP 1.2 schema', () => {
		caps.forEach((xml, i) => {
			const r = validate(xml, `v${i + 1}`);
			expect(r.output, `version ${i + 1}`).toBe('');
			expect(r.ok).toBe(true);
		});
	});

	it('identifiers in the GB/T 35965.1 form, sent in +08:00, message types and references to the first', async () => {
		const w = (await call<{ warning: WarningDetail }>(server.url, commander, 'GET', `/api/warnings/${id}`))
			.body.warning;
		const [issue, update, cancel] = caps as [string, string, string];
		for (const [xml, v] of [
			[issue, 0],
			[update, 1],
			[cancel, 2]
		] as const) {
			expect(one(xml, 'identifier')).toBe(w.versions[v]!.identifier);
			expect(one(xml, 'identifier')).toMatch(/^510812\d{3}\d{3}\d{2}_\d{14}_\d+$/);
			expect(one(xml, 'sent')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
			expect(Date.parse(one(xml, 'sent')!)).toBe(Math.floor(Date.parse(w.versions[v]!.sentAt) / 1000) * 1000);
			// The identifier's time is the sent time in Beijing time.
			expect(one(xml, 'identifier')!.split('_')[1]).toBe(
				one(xml, 'sent')!.slice(0, 19).replace(/[-T:]/g, '')
			);
			expect(one(xml, 'sender')).toBe('sitroom:51081200000000');
			expect(one(xml, 'status')).toBe('Actual');
			expect(one(xml, 'scope')).toBe('Public');
			expect(one(xml, 'language')).toBe('zh-CN');
		}
		expect(all(caps.join(''), 'msgType')).toEqual(['Alert', 'Update', 'Cancel']);
		expect(one(issue, 'references')).toBeUndefined();
		const ref = `sitroom:51081200000000,${w.versions[0]!.identifier},${one(issue, 'sent')}`;
		expect(one(update, 'references')).toBe(ref);
		expect(one(cancel, 'references')).toBe(ref);
		expect(one(cancel, 'note')).toBe('水位回落 &amp; 雨停 &lt;解除&gt;');
	});

	it('colour as severity and as a parameter; geocodes per township and village; the polygon as lat,lon', () => {
		const [issue, update] = caps as [string, string];
		expect(one(issue, 'severity')).toBe('Extreme');
		expect(one(update, 'severity')).toBe('Severe');
		expect(issue).toMatch(/<valueName>GB\/T 35965\.1 severity<\/valueName>\s*<value>Red<\/value>/);
		expect(update).toMatch(/<valueName>GB\/T 35965\.1 severity<\/valueName>\s*<value>Orange<\/value>/);
		const geocodes = [
			...issue.matchAll(/<geocode>\s*<valueName>([^<]+)<\/valueName>\s*<value>([^<]+)<\/value>/g)
		].map((m) => [m[1], m[2]]);
		expect(geocodes).toEqual([
			['GB/T 2260', '510812100'],
			['GB/T 2260', '510812101200']
		]);
		expect(one(issue, 'areaDesc')).toBe('朝天镇、横梁村村民委员会');
		expect(one(issue, 'polygon')).toBe('32.64,105.88 32.64,105.9 32.66,105.9 32.64,105.88');
		expect(one(issue, 'event')).toBe('洪水');
		expect(one(issue, 'category')).toBe('Met');
	});
});
