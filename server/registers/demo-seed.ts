/**
 * Demo rows for the registers, made from the district's reference data (its townships and their
 * seats, jurisdiction/chaotian/): every row is marked `demo` and the pages badge it 演示, so none is
 * ever taken for a real record. The figures follow the district plan's own: a 32-person
 * professional team, 3 social teams, 12 township squads, the district depot and 12 township depots,
 * shelters for 20,000 people, a few dozen hazard points (many in 沙河镇, along the 嘉陵江), and the
 * 53 forest-fire monitoring points (placeholder `rtsp://` addresses on the reserved .invalid domain).
 *
 * Only adds: a register is seeded while it holds no rows at all, so a restart never undoes an
 * edit or brings back a deleted row. Two nodes starting together on one PostgreSQL database race
 * for the codes; the second's batch is refused whole and it leaves the register as the first
 * seeded it.
 */
import type { Jurisdiction } from '#domain/api/jurisdiction';
import type { RegisterName, RegisterRowInput } from '#domain/registers';
import type { Registers } from './registers.ts';
import { change } from './registers.ts';
import { RegisterRefusal } from './refusal.ts';
import type { RegisterBatch } from './repository.ts';

type Seat = { code: string; name: string; at: [number, number] | null };

/** A deterministic spread around a point (no randomness: the same rows on every server). */
function near(
	at: [number, number] | null,
	i: number,
	radius = 0.02
): { lon: number | null; lat: number | null } {
	if (!at) return { lon: null, lat: null };
	const angle = (i * 137.508 * Math.PI) / 180;
	const r = radius * (0.3 + ((i * 7) % 10) / 14);
	return { lon: round(at[0] + r * Math.cos(angle)), lat: round(at[1] + r * Math.sin(angle)) };
}
const round = (v: number) => Math.round(v * 1e6) / 1e6;
const pad = (n: number) => String(n).padStart(2, '0');

export function demoRows(j: Jurisdiction): Record<RegisterName, RegisterRowInput[]> {
	const seats: Seat[] = j.townships.map((t) => ({ code: t.code, name: t.name, at: t.seat }));
	const centre = seats.find((s) => s.code.endsWith('100'))?.at ?? seats.find((s) => s.at)?.at ?? null;
	const row = (
		code: string,
		name: string,
		township: string | null,
		ownerOrgId: string | null,
		pos: { lon: number | null; lat: number | null },
		data: Record<string, unknown>
	): RegisterRowInput => ({ code, name, township, ownerOrgId, ...pos, demo: true, data });

	const depots = [
		row('DEP-000', '朝天区应急物资储备库', null, 'command-centre', near(centre, 1, 0.01), {
			level: 'district',
			keeper: '演示管理员',
			contact: '0839-0000000'
		}),
		...seats.map((s, i) =>
			row(`DEP-${s.code}`, `${s.name}应急物资储备点`, s.code, `twp-${s.code}`, near(s.at, i + 2, 0.004), {
				level: 'township',
				keeper: `${s.name}演示管理员`,
				contact: '0839-0000000'
			})
		)
	];
	const stock: Array<[string, string, number]> = [
		['帐篷', '顶', 20],
		['棉被', '床', 100],
		['救生衣', '件', 50],
		['发电机', '台', 2],
		['方便食品', '箱', 80]
	];
	const supplies = depots.flatMap((d, di) =>
		stock.map(([item, unit, q], si) =>
			row(
				`SUP-${d.code.slice(4)}-${pad(si + 1)}`,
				`${d.name}${item}`,
				d.township,
				d.ownerOrgId,
				near(null, 0),
				{
					depot: d.code,
					item,
					quantity: di === 0 ? q * 10 : q,
					unit,
					lastCheckedAt: '2026-11-01'
				}
			)
		)
	);
	const teams = [
		row('TEAM-PRO', '区专业救援队', null, 'team-district-rescue', near(centre, 3, 0.01), {
			teamType: 'professional',
			size: 32,
			leader: '演示队长',
			contact: '0839-0000000',
			capabilities: '山地搜救、水域救援、破拆',
			equipmentHeld: '冲锋舟2艘、破拆工具组',
			availability: 'standby'
		}),
		...[1, 2, 3].map((n) =>
			row(
				`TEAM-SOC-${n}`,
				`社会救援队伍${'一二三'[n - 1]}队`,
				null,
				n < 3 ? `team-social-rescue-${n}` : null,
				near(centre, 4 + n, 0.015),
				{
					teamType: 'social',
					size: 15,
					leader: '演示队长',
					contact: '0839-0000000',
					capabilities: '搜救、转移群众',
					equipmentHeld: '',
					availability: 'standby'
				}
			)
		),
		...seats.map((s, i) =>
			row(`TEAM-${s.code}`, `${s.name}应急分队`, s.code, `twp-${s.code}-squad`, near(s.at, i + 9, 0.004), {
				teamType: 'township_squad',
				size: 20,
				leader: `${s.name}演示队长`,
				contact: '0839-0000000',
				capabilities: '先期处置、转移群众',
				equipmentHeld: '',
				availability: 'standby'
			})
		)
	];
	const perTownship = Math.floor(15000 / seats.length);
	const shelters = [
		row('SHL-000', '朝天区中心避难场所', seats[0]?.code ?? null, 'command-centre', near(centre, 5, 0.008), {
			capacity: 20000 - perTownship * seats.length,
			occupancy: 0,
			facilities: '饮水、厕所、医疗点、应急照明',
			keeper: '演示管理员',
			contact: '0839-0000000'
		}),
		...seats.map((s, i) =>
			row(`SHL-${s.code}`, `${s.name}避难场所`, s.code, `twp-${s.code}`, near(s.at, i + 20, 0.006), {
				capacity: perTownship,
				occupancy: 0,
				facilities: '饮水、厕所',
				keeper: `${s.name}演示管理员`,
				contact: '0839-0000000'
			})
		)
	];
	const kinds = ['landslide', 'collapse', 'debris_flow', 'flash_flood'] as const;
	const kindName = { landslide: '滑坡', collapse: '崩塌', debris_flow: '泥石流', flash_flood: '山洪' };
	const shahe = seats.find((s) => s.name === '沙河镇');
	const hazardSeats = [
		...Array.from({ length: 14 }, () => shahe ?? seats[0]),
		...seats.filter((s) => s.at).flatMap((s) => [s, s])
	].filter((s): s is Seat => s !== undefined);
	const hazards = hazardSeats.map((s, i) => {
		const kind = kinds[i % kinds.length] ?? 'landslide';
		return row(
			`HZ-${pad(i + 1)}`,
			`${s.name}${kindName[kind]}隐患点${pad(i + 1)}`,
			s.code,
			`twp-${s.code}`,
			near(s.at, i + 30, 0.03),
			{
				hazardType: kind,
				threatenedPeople: 10 + ((i * 13) % 60),
				threatenedProperty: 50 + ((i * 37) % 300),
				monitor: '演示监测员',
				monitorMethod: '群测群防、裂缝计',
				responsible: `${s.name}演示责任人`,
				contact: '0839-0000000'
			}
		);
	});
	const located = seats.filter((s) => s.at);
	const cameras = [
		...Array.from({ length: 53 }, (_, i) => {
			const s = located[i % located.length] ?? seats[0];
			return row(
				`CAM-FF-${pad(i + 1)}`,
				`森林防火监测点${pad(i + 1)}`,
				s?.code ?? null,
				'dept-forestry',
				near(s?.at ?? null, i + 60, 0.04),
				{
					cameraKind: 'forest_fire',
					url: `rtsp://cams.demo.invalid/forest/${pad(i + 1)}`,
					owner: '区林业局'
				}
			);
		}),
		...located.slice(0, 4).map((s, i) =>
			row(
				`CAM-WL-${pad(i + 1)}`,
				`${s.name}嘉陵江水位监控`,
				s.code,
				'dept-water',
				near(s.at, i + 120, 0.005),
				{
					cameraKind: 'water_level',
					url: `rtsp://cams.demo.invalid/water/${pad(i + 1)}`,
					owner: '区水利局'
				}
			)
		)
	];
	const experts = (
		[
			['geology', '地质灾害'],
			['water', '水利'],
			['meteorology', '气象'],
			['medical', '医疗救护'],
			['fire', '森林防火'],
			['structure', '房屋建筑']
		] as const
	).map(([field, label], i) =>
		row(`EXP-${pad(i + 1)}`, `${label}演示专家`, null, null, near(null, 0), {
			field,
			organisation: '演示单位',
			contact: '0839-0000000'
		})
	);
	const equipment = [
		row('EQ-001', '冲锋舟', null, 'team-district-rescue', near(centre, 7, 0.01), {
			item: '冲锋舟',
			quantity: 2,
			location: '区专业救援队驻地',
			status: 'ready'
		}),
		row('EQ-002', '卫星电话', null, 'command-centre', near(centre, 8, 0.01), {
			item: '卫星电话',
			quantity: 6,
			location: '区应急指挥中心',
			status: 'ready'
		}),
		row('EQ-003', '无人机', null, 'command-centre', near(centre, 9, 0.01), {
			item: '无人机',
			quantity: 3,
			location: '区应急指挥中心',
			status: 'ready'
		}),
		...seats.map((s, i) =>
			row(`EQ-${s.code}`, `${s.name}发电照明设备`, s.code, `twp-${s.code}`, near(s.at, i + 40, 0.004), {
				item: '移动发电照明',
				quantity: 1,
				location: `${s.name}应急物资储备点`,
				status: 'ready'
			})
		)
	];
	return { teams, supplies, depots, equipment, experts, shelters, hazards, cameras };
}

/** Seeds the registers that hold no rows yet (depots before supplies, which name them). */
export async function seedDemoRegisters(
	registers: Registers,
	j: Jurisdiction,
	at = Date.now()
): Promise<number> {
	const all = demoRows(j);
	let added = 0;
	for (const register of [
		'depots',
		'supplies',
		'teams',
		'equipment',
		'experts',
		'shelters',
		'hazards',
		'cameras'
	] as const) {
		if ((await registers.repo.count(register)) > 0) continue;
		const batch: RegisterBatch = { puts: [], deletes: [], changes: [], steps: [] };
		for (const raw of all[register]) {
			const input = await registers.check(register, raw);
			const row = registers.newRow(register, input, at);
			batch.puts.push({ row, expectedVersion: null });
			batch.changes.push(change(row, null, row, 'seed', null, at));
			if (register === 'hazards')
				batch.steps.push({
					hazardId: row.id,
					from: 'registered',
					to: 'registered',
					at,
					byUserId: null,
					note: '',
					dueAt: null
				});
		}
		try {
			await registers.applyBatch(batch);
		} catch (err) {
			// Another node starting on the same database seeded this register a moment ago.
			if (err instanceof RegisterRefusal && err.code === 'duplicate-register-code') continue;
			throw err;
		}
		added += batch.puts.length;
	}
	return added;
}
