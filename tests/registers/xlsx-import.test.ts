/**
 * A register imported from an Excel workbook (.xlsx) as from a CSV file: the first sheet's header
 * by Chinese column names, each row checked and its errors named by line, nothing written while a
 * row not excluded has an error, a date cell read as a date, and a re-import updating nothing
 * twice. A damaged workbook and one that inflates beyond the limit are refused by name.
 */
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport, RegisterList } from '../../src/lib/domain/api/registers.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';
import { xlsx, zip } from './xlsx-fixture.ts';

describe('Excel import', () => {
	let server: TestServer;
	let commander: TestSession;

	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' }, { dataDir: tempDataDir('sitroom-xlsx-') });
		commander = await server.login('commander');
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const post = async (register: string, body: Uint8Array<ArrayBuffer>, query = '') => {
		const res = await fetch(`${server.url}/api/registers/${register}/import${query}`, {
			method: 'POST',
			headers: {
				cookie: commander.cookie,
				'x-csrf-token': commander.csrfToken,
				'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
			},
			body
		});
		return {
			status: res.status,
			body: (await res.json()) as ImportReport & { error?: string; message?: string }
		};
	};

	const header = [
		'编号',
		'名称',
		'乡镇',
		'所属单位',
		'经度',
		'纬度',
		'储备库编号',
		'品名',
		'数量',
		'单位',
		'盘点日期'
	];
	const workbook = xlsx([
		header,
		[
			'SUP-X-01',
			'区储备库冲锋舟',
			null,
			null,
			null,
			null,
			'DEP-000',
			'冲锋舟',
			4,
			'艘',
			{ date: '2026-11-20' }
		],
		['SUP-X-02', '沙河镇储备点帐篷', '沙河镇', null, null, null, 'DEP-000', '帐篷', 30, '顶', null],
		['SUP-X-03', '错误的一行', '不存在镇', null, null, null, 'DEP-000', '棉被', 'many', '床', null]
	]);

	it('previews each row of the first sheet with its errors, writes nothing until they are excluded, then all at once', async () => {
		const dry = await post('supplies', workbook, '?dryRun=1');
		expect(dry.status).toBe(200);
		expect(dry.body.encoding).toBe('xlsx');
		expect(dry.body.fileErrors).toEqual([]);
		expect(dry.body.rows.map((r) => [r.line, r.code, r.action])).toEqual([
			[2, 'SUP-X-01', 'create'],
			[3, 'SUP-X-02', 'create'],
			[4, 'SUP-X-03', 'invalid']
		]);
		expect(dry.body.rows[2]?.errors.map((e) => e.problem)).toEqual(
			expect.arrayContaining(['bad-number', 'unknown-township'])
		);

		const refused = await post('supplies', workbook);
		expect([refused.status, refused.body.error]).toEqual([422, 'import-has-errors']);
		const none = await call<RegisterList>(server.url, commander, 'GET', '/api/registers/supplies?q=SUP-X');
		expect(none.body.total).toBe(0);

		const applied = await post('supplies', workbook, '?exclude=4');
		expect([applied.status, applied.body.applied, applied.body.created]).toEqual([200, true, 2]);
		const rows = (await call<RegisterList>(server.url, commander, 'GET', '/api/registers/supplies?q=SUP-X'))
			.body.rows;
		expect(rows.map((r) => [r.code, r.township, r.data.quantity, r.data.lastCheckedAt])).toEqual([
			['SUP-X-01', null, 4, '2026-11-20'],
			['SUP-X-02', '510812105', 30, null]
		]);

		const again = await post('supplies', workbook, '?exclude=4');
		expect(again.body.rows.slice(0, 2).map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
		expect(
			(await call<RegisterList>(server.url, commander, 'GET', '/api/registers/supplies?q=SUP-X')).body.total
		).toBe(2);
	});

	it('refuses a damaged workbook and one that inflates beyond the limit whatever its headers say, by name', async () => {
		const damaged = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]);
		const a = await post('supplies', damaged);
		expect([a.status, a.body.error]).toEqual([400, 'import-unreadable']);
		// 101 MiB of zeros deflate to about 100 KiB; the headers claim 1 KiB.
		const bomb = xlsx([header], {
			'xl/worksheets/sheet2.xml': {
				deflated: deflateRawSync(Buffer.alloc(101 * 1024 * 1024)),
				declared: 1024
			}
		});
		const b = await post('supplies', bomb);
		expect([b.status, b.body.error]).toEqual([400, 'import-unreadable']);
		expect(b.body.message).toContain('too large');
		const noWorkbook = zip({ 'hello.txt': 'not a workbook' });
		const c = await post('supplies', noWorkbook);
		expect([c.status, c.body.error]).toEqual([400, 'import-unreadable']);
	});
});
