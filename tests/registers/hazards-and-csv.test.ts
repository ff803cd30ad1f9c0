/**
 * A hazard point's rectification loop over REST (each step with who, when and evidence; steps the
 * loop does not allow refused by name; an overdue step flagged), and CSV import: good rows, each
 * bad row's error named and nothing written, rows excluded by the person, GBK files, a re-import
 * that updates and never duplicates, and an export that re-imports unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
	HazardStepEntry,
	ImportReport,
	RegisterList,
	RegisterRow
} from '../../src/lib/domain/api/registers.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';

type Answer = { row: RegisterRow; error?: string };

/** GBK bytes of the few characters these files use (TextEncoder writes UTF-8 only). */
const GBK: Record<string, number[]> = {
	沙: [0xc9, 0xb3],
	河: [0xba, 0xd3],
	镇: [0xd5, 0xf2],
	库: [0xbf, 0xe2]
};
function gbk(text: string): Uint8Array<ArrayBuffer> {
	const out: number[] = [];
	for (const ch of text) out.push(...(GBK[ch] ?? [ch.charCodeAt(0)]));
	return Uint8Array.from(out);
}

describe('hazard loop and CSV import', () => {
	let server: TestServer;
	let commander: TestSession;
	let datan: TestSession;

	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		commander = await server.login('commander');
		datan = await server.login('datan');
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const importCsv = async (
		register: string,
		body: Uint8Array<ArrayBuffer> | string,
		query = '',
		as = commander
	) => {
		const res = await fetch(`${server.url}/api/registers/${register}/import${query}`, {
			method: 'POST',
			headers: { cookie: as.cookie, 'x-csrf-token': as.csrfToken, 'content-type': 'text/csv' },
			body
		});
		return {
			status: res.status,
			body: (await res.json()) as ImportReport & {
				error?: string;
				issues?: Array<{ path: string; message: string }>;
			}
		};
	};
	const depots = async (q: string) =>
		(
			await call<RegisterList>(
				server.url,
				commander,
				'GET',
				`/api/registers/depots?q=${encodeURIComponent(q)}`
			)
		).body;

	it('runs a hazard point through 登记 → 整改中 → 待验收 → 已销号, refusing steps out of order by name', async () => {
		const list = await call<RegisterList>(
			server.url,
			commander,
			'GET',
			'/api/registers/hazards?township=510812101'
		);
		const hazard = list.body.rows[0]!;
		expect(hazard.status).toBe('registered');
		const step = (body: Record<string, unknown>, as = datan) =>
			call<Answer>(server.url, as, 'POST', `/api/registers/hazards/${hazard.id}/steps`, body);

		expect((await step({ to: 'closed', note: '想直接销号' })).body.error).toBe('invalid-hazard-transition');
		expect((await step({ to: 'rectifying', note: '' })).body.error).toBe('hazard-due-required');
		const past = new Date(Date.now() - 86_400_000).toISOString();
		const started = await step({ to: 'rectifying', note: '开始清方', dueAt: past });
		expect(started.status).toBe(200);
		expect(started.body.row).toMatchObject({ status: 'rectifying', overdue: true });
		const overdue = await call<RegisterList>(
			server.url,
			commander,
			'GET',
			'/api/registers/hazards?overdue=1'
		);
		expect(overdue.body.rows.map((r) => r.id)).toContain(hazard.id);

		expect((await step({ to: 'awaiting_acceptance', note: ' ' })).body.error).toBe(
			'hazard-evidence-required'
		);
		expect(
			(await step({ to: 'awaiting_acceptance', note: '已完成清方，附现场照片说明' })).body.row.status
		).toBe('awaiting_acceptance');
		expect((await step({ to: 'rectifying', note: '排水沟未完成' })).body.row.status).toBe('rectifying');
		await step({ to: 'awaiting_acceptance', note: '排水沟已完成' });
		// Another township may not take its steps.
		const chaotian = await server.login('chaotian');
		expect((await step({ to: 'closed', note: '验收' }, chaotian)).body.error).toBe('other-township-row');
		const closed = await step({ to: 'closed', note: '验收合格，销号' }, commander);
		expect(closed.body.row).toMatchObject({ status: 'closed', overdue: false, dueAt: null });
		expect((await step({ to: 'rectifying', note: '再开' }, commander)).body.error).toBe(
			'invalid-hazard-transition'
		);

		const steps = await call<{ steps: HazardStepEntry[] }>(
			server.url,
			commander,
			'GET',
			`/api/registers/hazards/${hazard.id}/steps`
		);
		expect(steps.body.steps.map((s) => [s.from, s.to, s.byName])).toEqual([
			['registered', 'registered', null],
			['registered', 'rectifying', '大滩镇值班员'],
			['rectifying', 'awaiting_acceptance', '大滩镇值班员'],
			['awaiting_acceptance', 'rectifying', '大滩镇值班员'],
			['rectifying', 'awaiting_acceptance', '大滩镇值班员'],
			['awaiting_acceptance', 'closed', '值班指挥长']
		]);
		expect(steps.body.steps[2]!.note).toBe('已完成清方，附现场照片说明');
	});

	it('names each bad row of a CSV, writes nothing while any is left, and writes the rest once the person excludes them', async () => {
		const csv = [
			'编号,名称,乡镇,经度,纬度,level,keeper',
			'DEP-X1,新储备点一,沙河镇,105.9,32.6,township,张三',
			'DEP-X2,新储备点二,不存在镇,,,township,',
			'DEP-X3,新储备点三,510812105,abc,32.6,township,',
			'DEP-X4,新储备点四,510812105,116.4,39.9,township,',
			'DEP-X1,重复,510812105,,,township,',
			'DEP-X5,新储备点五,510812105,,,county,'
		].join('\n');
		const dry = await importCsv('depots', csv, '?dryRun=1');
		expect(dry.status).toBe(200);
		expect(dry.body.applied).toBe(false);
		expect(
			dry.body.rows.map((r) => [r.line, r.action, r.errors.map((e) => `${e.field}:${e.problem}`)])
		).toEqual([
			[2, 'create', []],
			[3, 'invalid', ['township:unknown-township']],
			[4, 'invalid', ['lon:bad-number']],
			[5, 'invalid', ['lon:outside-district']],
			[6, 'invalid', ['code:duplicate-key:2']],
			[7, 'invalid', ['data.level:bad-value']]
		]);
		const refused = await importCsv('depots', csv);
		expect(refused.status).toBe(422);
		expect(refused.body.error).toBe('import-has-errors');
		expect(refused.body.issues).toContainEqual({ path: 'line.3.township', message: 'unknown-township' });
		expect((await depots('DEP-X')).total).toBe(0);

		const applied = await importCsv('depots', csv, '?exclude=3,4,5,6,7');
		expect(applied.status).toBe(200);
		expect(applied.body).toMatchObject({ applied: true, created: 1, updated: 0 });
		expect((await depots('DEP-X')).rows.map((r) => [r.code, r.township, r.data.keeper])).toEqual([
			['DEP-X1', '510812105', '张三']
		]);
	});

	it('reads GBK files, and a re-import updates rows by code without duplicating them', async () => {
		const file = gbk('code,name,township,level\r\nDEP-G1,Depot G,沙河镇,township\r\n');
		const first = await importCsv('depots', file);
		expect(first.body).toMatchObject({ encoding: 'gbk', applied: true, created: 1 });
		expect((await depots('DEP-G1')).rows[0]?.township).toBe('510812105');
		const again = await importCsv('depots', file);
		expect(again.body).toMatchObject({ created: 0, updated: 0 });
		expect(again.body.rows[0]?.action).toBe('unchanged');
		const renamed = await importCsv(
			'depots',
			gbk('code,name,township,level\r\nDEP-G1,Depot G2,沙河镇,township\r\n')
		);
		expect(renamed.body).toMatchObject({ created: 0, updated: 1 });
		expect((await depots('DEP-G1')).rows.map((r) => r.name)).toEqual(['Depot G2']);
	});

	it('refuses a township officer rows of another township in an import, and exports CSV that re-imports unchanged', async () => {
		const r = await importCsv(
			'depots',
			'code,name,township,level\nDEP-D1,大滩新点,510812100,township\n',
			'?dryRun=1',
			datan
		);
		expect(r.body.rows[0]?.errors).toEqual([{ field: 'township', problem: 'other-township-row' }]);

		const exported = await fetch(`${server.url}/api/registers/shelters/export.csv`, {
			headers: { cookie: commander.cookie }
		});
		expect(exported.headers.get('content-type')).toContain('text/csv');
		const bytes = new Uint8Array(await exported.arrayBuffer());
		// A byte-order mark, so that spreadsheet programs on Chinese Windows read UTF-8, not GBK.
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = '\uFEFF' + new TextDecoder().decode(bytes);
		expect(text.split('\r\n')[0]).toBe(
			'\uFEFFcode,name,township,ownerOrgId,lon,lat,capacity,occupancy,facilities,keeper,contact'
		);
		const back = await importCsv('shelters', text);
		expect(back.body).toMatchObject({ applied: true, created: 0, updated: 0 });
		const geo = await fetch(`${server.url}/api/registers/shelters/export.geojson`, {
			headers: { cookie: commander.cookie }
		});
		const fc = (await geo.json()) as { features: Array<{ geometry: { type: string } | null }> };
		expect(fc.features).toHaveLength(13);
		expect(fc.features[0]?.geometry?.type).toBe('Point');
	});
});
