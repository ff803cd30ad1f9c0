import { describe, expect, it } from 'vitest';
import {
	MapLayerConfigListSchema,
	MapLayerConfigSchema,
	tiandituUrls,
	tileOrigins
} from '../../src/lib/domain/map-layers.ts';
import { tileSources } from '../../src/lib/map/layers/online-sources.ts';
import { formatArea, formatLength, measure } from '../../src/lib/map/measure.ts';
import { sameView } from '../../src/lib/map/view.ts';
import { LineString, Polygon } from 'ol/geom.js';
import { fromLonLat } from 'ol/proj.js';

const name = { 'zh-CN': '天地图影像', en: 'Tianditu imagery' };

describe('online layer configuration', () => {
	it('accepts an XYZ layer and a Tianditu layer, with defaults filled in', () => {
		const xyz = MapLayerConfigSchema.parse({
			type: 'xyz',
			id: 'amap',
			name,
			url: 'https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}',
			crs: 'gcj02'
		});
		expect(xyz).toMatchObject({ crs: 'gcj02', maxZoom: 18, attribution: '' });
		const tdt = MapLayerConfigSchema.parse({
			type: 'tianditu',
			id: 'tdt-img',
			name,
			kind: 'img',
			key: 'k123'
		});
		expect(tdt).toMatchObject({ crs: 'wgs84' });
	});

	it('refuses a URL without tile placeholders, a non-http URL, a GCJ-02 Tianditu and duplicate ids', () => {
		const base = { type: 'xyz', id: 'x', name };
		expect(
			MapLayerConfigSchema.safeParse({ ...base, url: 'https://tiles.example/{z}/{x}.png' }).success
		).toBe(false);
		expect(MapLayerConfigSchema.safeParse({ ...base, url: 'javascript:alert(1)//{z}{x}{y}' }).success).toBe(
			false
		);
		expect(
			MapLayerConfigSchema.safeParse({ type: 'tianditu', id: 't', name, kind: 'vec', key: 'k', crs: 'gcj02' })
				.success
		).toBe(false);
		const layer = { ...base, url: 'https://tiles.example/{z}/{x}/{y}.png' };
		expect(MapLayerConfigListSchema.safeParse([layer, layer]).success).toBe(false);
		expect(MapLayerConfigListSchema.safeParse([layer]).success).toBe(true);
	});

	it('names the origins the configured layers load tiles from, host ranges expanded, for the page policy', () => {
		const layers = MapLayerConfigListSchema.parse([
			{ type: 'xyz', id: 'osm', name, url: 'https://{a-c}.tile.example.org/{z}/{x}/{y}.png' },
			{ type: 'xyz', id: 'intranet', name, url: 'http://10.1.2.3:8080/tiles/{z}/{x}/{-y}.png' },
			{ type: 'tianditu', id: 'tdt', name, kind: 'img', key: 'k' }
		]);
		expect(tileOrigins(layers).sort()).toEqual(
			[
				'https://a.tile.example.org',
				'https://b.tile.example.org',
				'https://c.tile.example.org',
				'http://10.1.2.3:8080',
				...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `https://t${i}.tianditu.gov.cn`)
			].sort()
		);
		expect(tileOrigins([])).toEqual([]);
	});

	it('builds Tianditu Web-Mercator tile URLs with the key and a matching label layer', () => {
		const { base, labels } = tiandituUrls({
			type: 'tianditu',
			id: 't',
			name,
			kind: 'vec',
			key: 'a b',
			crs: 'wgs84'
		});
		expect(base).toContain('/vec_w/wmts?');
		expect(base).toContain('TILEMATRIX={z}&TILEROW={y}&TILECOL={x}');
		expect(base).toContain('tk=a%20b');
		expect(labels).toContain('/cva_w/');
		expect(
			tileSources({ type: 'tianditu', id: 't', name, kind: 'img', key: 'k', crs: 'wgs84' })
		).toHaveLength(2);
	});
});

describe('measurement', () => {
	it('shows metres below a kilometre and kilometres above, square metres and square kilometres', () => {
		expect(formatLength(850)).toEqual({ key: 'map.measure.m', value: '850' });
		expect(formatLength(2345)).toEqual({ key: 'map.measure.km', value: '2.35' });
		expect(formatLength(23_450)).toEqual({ key: 'map.measure.km', value: '23.4' });
		expect(formatArea(5000)).toEqual({ key: 'map.measure.m2', value: '5000' });
		expect(formatArea(2_500_000)).toEqual({ key: 'map.measure.km2', value: '2.50' });
	});

	it('measures ground distance, not Web-Mercator distance (about 1.19× apart at 32.6°N)', () => {
		// 0.1° of longitude at 32.64°N is about 9.37 km on the ground.
		const line = new LineString([fromLonLat([105.8, 32.64]), fromLonLat([105.9, 32.64])]);
		const m = measure(line)!;
		expect(m.key).toBe('map.measure.km');
		expect(Number(m.value)).toBeCloseTo(9.37, 1);
		const square = new Polygon([
			[
				fromLonLat([105.8, 32.6]),
				fromLonLat([105.81, 32.6]),
				fromLonLat([105.81, 32.61]),
				fromLonLat([105.8, 32.61]),
				fromLonLat([105.8, 32.6])
			]
		]);
		// ~0.937 km × 1.112 km.
		expect(Number(measure(square)!.value)).toBeCloseTo(1.04, 1);
	});
});

describe('presenter view', () => {
	it('treats views less than a pixel apart as the same, and a zoom change as different', () => {
		const v = { center: [105.9, 32.65] as [number, number], zoom: 12 };
		expect(sameView(v, { ...v, center: [105.90001, 32.65] })).toBe(true);
		expect(sameView(v, { ...v, center: [105.91, 32.65] })).toBe(false);
		expect(sameView(v, { ...v, zoom: 12.5 })).toBe(false);
	});
});
