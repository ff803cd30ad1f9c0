/**
 * The demo incident (demo mode only, first run on an empty store): 暴雨引发嘉陵江朝天段洪水及沙河镇
 * 滑坡. A realistic Chaotian scenario for people, screenshots and tests to open straight away:
 * figures for three townships, a timestamped log, annotations along the Jialing River, tasks
 * in several states, and video feeds whose addresses point at 127.0.0.1 or example.invalid, never
 * at a real third-party host.
 *
 * Everything is written through the room's durable pipeline as changes made for the demo users
 * (one change per author), and every entity satisfies the guard's attribution rules: createdBy
 * is its author and ownerOrgId the author's organisation. Times are relative to the seeding, so
 * the demo always looks like this morning's events.
 */
import { IncidentDoc, type Annotation, type Feed, type Geometry, type Task } from '#domain/incident-doc';
import type { FigureKey, TaskStatus } from '#domain/vocabulary';
import type { Logger } from '../log.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { IncidentIndex } from './incident-index.ts';
import { openIncident } from './open-incident.ts';

export const DEMO_INCIDENT_ID = 'inc-demo-jialing';

/** Demo usernames (jurisdiction/chaotian/organisations.json demoAccounts) the content is by. */
type DemoUser = 'commander' | 'water' | 'chaotian' | 'datan' | 'field1' | 'field2';
const DEMO_USERS: readonly DemoUser[] = ['commander', 'water', 'chaotian', 'datan', 'field1', 'field2'];

export interface DemoUserRef {
	id: string;
	orgId: string;
}

const TWP = { chaotian: '510812100', datan: '510812101', shahe: '510812105' } as const;

const MIN = 60_000;

export interface SeedDemoDeps {
	registry: RoomRegistry;
	index: IncidentIndex;
	userByUsername: (username: string) => DemoUserRef | undefined;
	log: Logger;
	now?: number;
}

/**
 * Creates the demo incident if the index is empty and every demo author exists. Returns whether
 * it did. Safe to call at every start: a second run, or a store with real incidents, is left alone.
 */
export async function seedDemoIncident(deps: SeedDemoDeps): Promise<boolean> {
	if (deps.index.count() > 0) return false;
	const users = new Map<DemoUser, DemoUserRef>();
	for (const u of DEMO_USERS) {
		const ref = deps.userByUsername(u);
		if (!ref) {
			deps.log.info({ missing: u }, 'demo incident not created: no demo account of that name');
			return false;
		}
		users.set(u, ref);
	}
	const user = (u: DemoUser): DemoUserRef => users.get(u)!;
	const now = deps.now ?? Date.now();
	const t0 = Math.floor((now - 6 * 60 * MIN) / (5 * MIN)) * 5 * MIN;
	const at = (minutes: number): string => new Date(t0 + minutes * MIN).toISOString();
	const authored = (u: DemoUser, minutes: number) => ({
		createdBy: user(u).id,
		ownerOrgId: user(u).orgId,
		createdAt: at(minutes)
	});

	const commander = user('commander');
	await openIncident(
		deps,
		{
			name: '暴雨引发嘉陵江朝天段洪水及沙河镇滑坡',
			type: 'flood',
			severity: 'large',
			level: 'III',
			townships: [TWP.shahe, TWP.chaotian, TWP.datan],
			location: [105.8455, 32.5715],
			occurredAt: at(0)
		},
		{ userId: commander.id, orgId: commander.orgId },
		DEMO_INCIDENT_ID
	);
	const room = await deps.registry.open(DEMO_INCIDENT_ID);
	// Each author's changes are queued at once (the room applies them in order, in one group commit)
	// and awaited together: waiting for each to reach the disk would cost a sync interval apiece.
	const pending: Array<Promise<void>> = [];
	const as = (u: DemoUser, fn: (d: IncidentDoc) => void): void => {
		pending.push(
			room.change((doc) => fn(new IncidentDoc(doc)), { userId: user(u).id, orgId: user(u).orgId })
		);
	};

	// 接报 and the first orders, by the district command centre.
	as('commander', (d) => {
		d.addLogEntry('log-001', { kind: 'initial_report', ...authored('commander', 10), text: LOG.initial });
		d.addLogEntry('log-003', { kind: 'order', ...authored('commander', 45), text: LOG.order });
		d.addLogEntry('log-004', { kind: 'decision', ...authored('commander', 90), text: LOG.decision });
		d.addLogEntry('log-007', { kind: 'notice', ...authored('commander', 150), text: LOG.notice });
		setFigures(d, TWP.shahe, {
			dead: 0,
			missing: 2,
			injured: 3,
			relocated: 386,
			houses_damaged: 41,
			roads_cut: 2,
			power_out: 1,
			comms_out: 1
		});
		for (const [id, a] of commanderAnnotations(authored)) d.addAnnotation(id, a);
		for (const [id, t] of commanderTasks(authored)) d.addTask(id, t);
		for (const [id, f] of commanderFeeds(authored)) d.addFeed(id, f);
		d.wall.push(['feed-drone-shahe', 'feed-gauge-chaotian', 'feed-bodycam-field1']);
	});

	// 续报 from the water bureau, with its gauge, its feed and a task for its own flood team.
	as('water', (d) => {
		d.addLogEntry('log-002', { kind: 'follow_up', ...authored('water', 30), text: LOG.water });
		d.addAnnotation('ann-gauge-chaotian', {
			kind: 'water_gauge',
			label: '嘉陵江朝天水位站',
			note: '08:30 水位 481.6 m，超警戒 1.2 m，仍在上涨',
			geometry: point(105.8835, 32.6485),
			taskIds: [],
			feedIds: ['feed-gauge-chaotian'],
			...authored('water', 32)
		});
		d.addFeed('feed-gauge-chaotian', {
			name: '朝天水位站固定监控',
			kind: 'fixed_camera',
			url: 'http://127.0.0.1:8088/live/gauge-chaotian/index.m3u8',
			position: [105.8838, 32.6487],
			...authored('water', 33)
		});
		d.addTask('task-levee-patrol', {
			title: '嘉陵江朝天段堤防巡查',
			description: '每小时巡查明月路至大巴口段堤防，发现管涌、渗漏立即上报',
			assigneeOrgId: 'team-flood-emergency',
			township: TWP.chaotian,
			priority: 'high',
			dueAt: at(24 * 60),
			location: [105.8865, 32.647],
			status: 'dispatched',
			statusReason: '',
			...authored('water', 50)
		});
	});

	// Township duty officers report their own figures and progress.
	as('chaotian', (d) => {
		d.addLogEntry('log-005', { kind: 'follow_up', ...authored('chaotian', 110), text: LOG.chaotian });
		setFigures(d, TWP.chaotian, {
			injured: 1,
			relocated: 1250,
			houses_damaged: 67,
			roads_cut: 3,
			power_out: 2
		});
		d.addTask('task-chaotian-transfer', {
			title: '明月村、双河村沿江低洼区群众转移',
			description: '按转移名册逐户核实，老人、儿童优先；转移至朝天镇中学安置点',
			assigneeOrgId: 'twp-510812100-squad',
			township: TWP.chaotian,
			priority: 'urgent',
			dueAt: at(180),
			location: [105.88, 32.64],
			status: 'dispatched',
			statusReason: '',
			...authored('chaotian', 60)
		});
	});
	as('datan', (d) => {
		d.addLogEntry('log-006', { kind: 'follow_up', ...authored('datan', 130), text: LOG.datan });
		setFigures(d, TWP.datan, { relocated: 210, houses_damaged: 12, roads_cut: 1 });
	});

	// Field teams report on the tasks assigned to them.
	as('field1', (d) => {
		d.addTaskUpdate(
			'task-chaotian-transfer',
			update(user('field1'), 'upd-001', at(100), '已转移 860 人，余下 390 人正在转移', 'in_progress')
		);
		d.addTaskUpdate(
			'task-chaotian-transfer',
			update(user('field1'), 'upd-002', at(175), '1250 人全部转移至朝天镇中学，已核对名册', 'done')
		);
		d.patch('tasks', 'task-chaotian-transfer', { status: 'done' });
		d.addTaskUpdate('task-road-g108', update(user('field1'), 'upd-003', at(140), '已接收，携带警示设施出发'));
		d.positions.set(user('field1').id, {
			lonLat: [105.861, 32.576],
			orgId: user('field1').orgId,
			at: at(170)
		});
	});
	as('field2', (d) => {
		d.addTaskUpdate(
			'task-datan-inspect',
			update(user('field2'), 'upd-004', at(160), '响水村至风雷村道路塌方，车辆无法通行', 'blocked')
		);
	});

	await Promise.all(pending);
	deps.log.info({ incident: DEMO_INCIDENT_ID }, 'demo incident created');
	return true;
}

type Authored = (
	u: DemoUser,
	minutes: number
) => { createdBy: string; ownerOrgId: string; createdAt: string };

const LOG = {
	initial:
		'【接报】06:10 沙河镇报告：连续强降雨致沙河镇罗圈岩村后山发生滑坡，初步估计方量约 3 万立方米，掩埋民房 4 户，2 人失联，3 人受伤已送医；镇村干部正组织周边群众撤离。',
	water:
		'【续报】区水利局：嘉陵江朝天水位站 08:30 水位 481.6 m，超警戒水位 1.2 m，上游来水持续增加，预计 14 时前后出现洪峰；沿江明月路、大巴口一带低洼区有漫溢风险。',
	order:
		'【指令】区防汛抗旱指挥部决定启动防汛Ⅲ级应急响应。沙河镇、朝天镇、大滩镇立即转移危险区域群众；区专业救援队赴罗圈岩村开展搜救；区交通运输局对 G108 线沙河至朝天段实施交通管制。',
	decision:
		'【会商决定】1. 罗圈岩村滑坡体设置警戒区，由区自然资源分局派专家监测滑坡体位移，搜救人员在专家许可下分批进入；2. 朝天镇沿江低洼区 14 时前完成转移；3. 区卫生健康局在沙河镇设立医疗救护点；4. 每 2 小时续报一次。',
	chaotian:
		'【续报】朝天镇：明月村、双河村沿江低洼区 1250 人已全部转移至朝天镇中学安置点，镇区 3 条道路积水中断，2 个台区停电。',
	datan: '【续报】大滩镇：转移群众 210 人，响水村至风雷村道路塌方中断，镇应急分队正在处置。',
	notice: '【通知】G108 线沙河镇至朝天镇段 K1563—K1571 实施交通管制，过往车辆经 G5 京昆高速绕行。'
} as const;

function setFigures(d: IncidentDoc, township: string, figures: Partial<Record<FigureKey, number>>): void {
	for (const [k, v] of Object.entries(figures)) d.setFigure(township, k as FigureKey, v);
}

function point(lon: number, lat: number): Geometry {
	return { type: 'Point', coordinates: [lon, lat] };
}

function update(by: DemoUserRef, id: string, at: string, text: string, status?: TaskStatus) {
	return { id, by: by.id, orgId: by.orgId, at, text, ...(status ? { status } : {}) };
}

function commanderAnnotations(authored: Authored): Array<[string, Annotation]> {
	const base = { taskIds: [] as string[], feedIds: [] as string[] };
	return [
		[
			'ann-landslide-zone',
			{
				...base,
				kind: 'danger_zone',
				label: '罗圈岩村滑坡警戒区',
				note: '滑坡体后缘仍有裂缝，未经专家许可禁止进入',
				geometry: {
					type: 'Polygon',
					coordinates: [
						[
							[105.838, 32.569],
							[105.846, 32.5695],
							[105.8475, 32.5745],
							[105.8395, 32.5755],
							[105.838, 32.569]
						]
					]
				},
				taskIds: ['task-search-rescue', 'task-slope-monitoring'],
				feedIds: ['feed-drone-shahe'],
				...authored('commander', 20)
			}
		],
		[
			'ann-flood-zone-chaotian',
			{
				...base,
				kind: 'danger_zone',
				label: '朝天镇沿江低洼漫溢区',
				note: '明月路至大巴口段，洪峰前完成转移',
				geometry: {
					type: 'Polygon',
					coordinates: [
						[
							[105.8785, 32.638],
							[105.885, 32.638],
							[105.8915, 32.652],
							[105.886, 32.655],
							[105.8785, 32.638]
						]
					]
				},
				...authored('commander', 40)
			}
		],
		[
			'ann-g108-blocked',
			{
				...base,
				kind: 'road_blocked',
				label: 'G108 沙河—朝天段交通管制',
				note: 'K1563—K1571，塌方及积水',
				geometry: {
					type: 'LineString',
					coordinates: [
						[105.8575, 32.5655],
						[105.8665, 32.5775],
						[105.869, 32.59]
					]
				},
				taskIds: ['task-road-g108'],
				...authored('commander', 55)
			}
		],
		[
			'ann-forward-command-post',
			{
				...base,
				kind: 'command_post',
				label: '沙河镇现场指挥部',
				note: '沙河镇人民政府院内',
				geometry: point(105.8515, 32.564),
				...authored('commander', 60)
			}
		],
		[
			'ann-staging-chaotian',
			{
				...base,
				kind: 'staging_area',
				label: '朝天镇抢险物资集结点',
				note: '',
				geometry: point(105.886, 32.64),
				...authored('commander', 65)
			}
		],
		[
			'ann-shelter-shahe',
			{
				...base,
				kind: 'shelter',
				label: '沙河镇中心小学安置点',
				note: '可容纳 500 人，已安置 386 人',
				geometry: point(105.847, 32.561),
				...authored('commander', 70)
			}
		],
		[
			'ann-shelter-chaotian',
			{
				...base,
				kind: 'shelter',
				label: '朝天镇中学安置点',
				note: '可容纳 1500 人',
				geometry: point(105.8925, 32.646),
				...authored('commander', 72)
			}
		],
		[
			'ann-evacuation-shahe',
			{
				...base,
				kind: 'evacuation_route',
				label: '罗圈岩村转移路线',
				note: '经村道至镇中心小学，避开滑坡体前缘',
				geometry: {
					type: 'LineString',
					coordinates: [
						[105.842, 32.572],
						[105.8445, 32.566],
						[105.847, 32.5612]
					]
				},
				...authored('commander', 75)
			}
		]
	];
}

function commanderTasks(authored: Authored): Array<[string, Task]> {
	return [
		[
			'task-search-rescue',
			{
				title: '罗圈岩村滑坡失联人员搜救',
				description: '在专家许可下分批进入警戒区，生命探测仪配合搜救犬，重点搜索被掩埋的 4 户民房',
				assigneeOrgId: 'team-district-rescue',
				township: TWP.shahe,
				priority: 'urgent',
				dueAt: null,
				location: [105.8428, 32.5718],
				status: 'in_progress',
				statusReason: '',
				...authored('commander', 50)
			}
		],
		[
			'task-slope-monitoring',
			{
				title: '滑坡体位移监测',
				description: '布设裂缝计和 GNSS 监测点，每 30 分钟报送一次位移数据',
				assigneeOrgId: 'dept-natural-resources',
				township: TWP.shahe,
				priority: 'high',
				dueAt: null,
				location: [105.8405, 32.5745],
				status: 'accepted',
				statusReason: '',
				...authored('commander', 52)
			}
		],
		[
			'task-road-g108',
			{
				title: 'G108 沙河—朝天段交通管制',
				description: '在 K1563 和 K1571 设置管制点，引导车辆经 G5 绕行',
				assigneeOrgId: 'twp-510812100-squad',
				township: TWP.chaotian,
				priority: 'high',
				dueAt: null,
				location: [105.8665, 32.5775],
				status: 'accepted',
				statusReason: '',
				...authored('commander', 56)
			}
		],
		[
			'task-medical-point',
			{
				title: '沙河镇医疗救护点',
				description: '在沙河镇中心小学设立临时医疗救护点，配备 2 辆救护车',
				assigneeOrgId: 'dept-health',
				township: TWP.shahe,
				priority: 'normal',
				dueAt: null,
				location: [105.8472, 32.5612],
				status: 'dispatched',
				statusReason: '',
				...authored('commander', 95)
			}
		],
		[
			'task-datan-inspect',
			{
				title: '大滩镇沿江道路隐患排查',
				description: '排查响水村、风雷村沿江道路边坡，发现险情立即设置警示',
				assigneeOrgId: 'twp-510812101-squad',
				township: TWP.datan,
				priority: 'normal',
				dueAt: null,
				location: [105.915, 32.77],
				status: 'blocked',
				statusReason: '道路塌方，车辆无法通行，等待挖掘机',
				...authored('commander', 100)
			}
		],
		[
			'task-supplies',
			{
				title: '调拨帐篷和棉被至沙河镇',
				description: '从区应急物资储备库调拨帐篷 50 顶、棉被 400 床',
				assigneeOrgId: 'team-social-rescue-1',
				township: TWP.shahe,
				priority: 'normal',
				dueAt: null,
				location: null,
				status: 'new',
				statusReason: '',
				...authored('commander', 120)
			}
		]
	];
}

function commanderFeeds(authored: Authored): Array<[string, Feed]> {
	return [
		[
			'feed-drone-shahe',
			{
				name: '无人机 1 号（滑坡体航拍）',
				kind: 'drone',
				url: 'http://127.0.0.1:8088/live/drone-1/index.m3u8',
				position: [105.843, 32.5725],
				...authored('commander', 80)
			}
		],
		[
			'feed-bodycam-field1',
			{
				name: '朝天镇应急分队单兵图传',
				kind: 'body_worn',
				url: 'rtsp://127.0.0.1:8554/bodycam-03',
				position: [105.861, 32.576],
				...authored('commander', 82)
			}
		],
		[
			'feed-vehicle-command',
			{
				name: '应急指挥车车载监控',
				kind: 'vehicle',
				url: 'https://cameras.example.invalid/vehicle/command-1.m3u8',
				position: [105.8515, 32.5642],
				...authored('commander', 85)
			}
		]
	];
}
