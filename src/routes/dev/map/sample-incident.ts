/**
 * Sample content for the development map page: one annotation of every kind, a few tasks,
 * feeds and team positions around Chaotian town, in a local Y.Doc (no server involved).
 */
import * as Y from 'yjs';
import { IncidentDoc, type Annotation, type LonLat } from '$lib/domain/incident-doc';

const by = { createdBy: 'demo-commander', ownerOrgId: 'org-command', createdAt: '2024-07-11T08:30:00.000Z' };
const links = { taskIds: [], feedIds: [] };

function ann(
	kind: Annotation['kind'],
	label: string,
	geometry: Annotation['geometry'],
	note = ''
): Annotation {
	return { kind, label, note, geometry, ...by, ...links };
}

function box(lon: number, lat: number, w: number, h: number): LonLat[][] {
	return [
		[
			[lon, lat],
			[lon + w, lat],
			[lon + w, lat + h],
			[lon, lat + h],
			[lon, lat]
		]
	];
}

/** Adds `n` generated annotations of every kind spread over the district (for load checks). */
export function addGeneratedAnnotations(doc: IncidentDoc, n: number): void {
	const kinds = [
		'danger_zone',
		'road_blocked',
		'shelter',
		'observation',
		'water_gauge',
		'fire_line'
	] as const;
	doc.doc.transact(() => {
		for (let i = 0; i < n; i++) {
			const kind = kinds[i % kinds.length]!;
			const lon = 105.6 + (((i * 7919) % 1000) / 1000) * 0.55;
			const lat = 32.45 + (((i * 104729) % 1000) / 1000) * 0.5;
			const geometry: Annotation['geometry'] =
				kind === 'danger_zone'
					? { type: 'Polygon', coordinates: box(lon, lat, 0.004, 0.003) }
					: kind === 'road_blocked' || kind === 'fire_line'
						? {
								type: 'LineString',
								coordinates: [
									[lon, lat],
									[lon + 0.004, lat + 0.002],
									[lon + 0.007, lat]
								]
							}
						: { type: 'Point', coordinates: [lon, lat] };
			doc.addAnnotation(`g-${i}`, ann(kind, `#${i}`, geometry));
		}
	});
}

export function sampleIncident(): IncidentDoc {
	const doc = new IncidentDoc(new Y.Doc());
	doc.doc.transact(() => {
		doc.addAnnotation(
			's-danger',
			ann(
				'danger_zone',
				'明月峡滑坡危险区',
				{ type: 'Polygon', coordinates: box(105.86, 32.66, 0.04, 0.025) },
				'坡体裂缝持续扩大'
			)
		);
		doc.addAnnotation(
			's-road',
			ann('road_blocked', 'G108 塌方断道', {
				type: 'LineString',
				coordinates: [
					[105.83, 32.61],
					[105.85, 32.625],
					[105.87, 32.63]
				]
			})
		);
		doc.addAnnotation(
			's-post',
			ann('command_post', '现场指挥部', { type: 'Point', coordinates: [105.895, 32.632] })
		);
		doc.addAnnotation(
			's-staging',
			ann('staging_area', '救援力量集结点', { type: 'Point', coordinates: [105.92, 32.62] })
		);
		doc.addAnnotation(
			's-shelter',
			ann('shelter', '朝天小学避难场所', { type: 'Point', coordinates: [105.905, 32.6] })
		);
		doc.addAnnotation(
			's-route',
			ann('evacuation_route', '群众转移路线', {
				type: 'LineString',
				coordinates: [
					[105.875, 32.66],
					[105.89, 32.635],
					[105.905, 32.6]
				]
			})
		);
		doc.addAnnotation(
			's-gauge',
			ann('water_gauge', '朝天水位站', { type: 'Point', coordinates: [105.888, 32.652] })
		);
		doc.addAnnotation(
			's-fire',
			ann('fire_line', '曾家山火线', {
				type: 'LineString',
				coordinates: [
					[106.05, 32.64],
					[106.08, 32.655],
					[106.11, 32.645]
				]
			})
		);
		doc.addAnnotation(
			's-obs',
			ann('observation', '1号观察哨', { type: 'Point', coordinates: [105.85, 32.68] })
		);

		doc.addTask('t-1', {
			title: '排查明月峡隐患点',
			description: '',
			assigneeOrgId: 'org-nr',
			township: '510812100',
			priority: 'urgent',
			dueAt: null,
			location: [105.87, 32.675],
			status: 'in_progress',
			statusReason: '',
			...by
		});
		doc.addTask('t-2', {
			title: '抢通G108',
			description: '',
			assigneeOrgId: 'org-transport',
			township: '510812100',
			priority: 'high',
			dueAt: null,
			location: [105.845, 32.62],
			status: 'dispatched',
			statusReason: '',
			...by
		});
		doc.addTask('t-3', {
			title: '转移沿河群众',
			description: '',
			assigneeOrgId: 'org-town-100',
			township: '510812100',
			priority: 'normal',
			dueAt: null,
			location: [105.9, 32.615],
			status: 'done',
			statusReason: '',
			...by
		});

		doc.addFeed('f-1', {
			name: '明月峡无人机',
			kind: 'drone',
			url: 'https://video.example.invalid/drone.m3u8',
			position: [105.875, 32.67],
			...by
		});
		doc.addFeed('f-2', {
			name: '朝天水位监控',
			kind: 'fixed_camera',
			url: 'rtsp://video.example.invalid/gauge',
			position: [105.89, 32.655],
			...by
		});
		doc.feedHealth.set('f-1', { state: 'online', checkedAt: '2024-07-11T08:40:00.000Z', detail: '' });
		doc.feedHealth.set('f-2', {
			state: 'offline',
			checkedAt: '2024-07-11T08:40:00.000Z',
			detail: 'unreachable'
		});

		doc.positions.set('team-fire', {
			lonLat: [105.86, 32.655],
			orgId: 'org-fire',
			at: '2024-07-11T08:41:00.000Z'
		});
		doc.positions.set('team-town', {
			lonLat: [105.91, 32.61],
			orgId: 'org-town-100',
			at: '2024-07-11T08:42:00.000Z'
		});
	});
	return doc;
}
