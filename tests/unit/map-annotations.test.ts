import Feature from 'ol/Feature.js';
import { LineString, Point, Polygon, type Geometry as OlGeometry } from 'ol/geom.js';
import VectorSource from 'ol/source/Vector.js';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IncidentDoc, type Annotation } from '../../src/lib/domain/incident-doc.ts';
import { ANNOTATION_KINDS } from '../../src/lib/domain/vocabulary.ts';
import { distanceMetres } from '../../src/lib/geo/crs.ts';
import { annotationAdapter } from '../../src/lib/map/annotations/annotation-adapter.ts';
import {
	createAnnotation,
	deleteAnnotation,
	importAnnotations,
	listAnnotations,
	setAnnotationGeometry,
	setAnnotationText
} from '../../src/lib/map/annotations/annotation-edits.ts';
import {
	annotationsToGeoJson,
	parseAnnotationsGeoJson
} from '../../src/lib/map/annotations/annotation-geojson.ts';
import { annotationStyles, LABEL_MAX_RESOLUTION } from '../../src/lib/map/annotations/annotation-style.ts';
import { ANNOTATION_SYMBOLS } from '../../src/lib/map/annotations/annotation-symbols.ts';
import { EntityFeatureSync } from '../../src/lib/map/entity-sync.ts';
import { fromOlGeometry, toOlGeometry } from '../../src/lib/map/geometry.ts';

const actor = { userId: 'u-water-1', orgId: 'org-water' };

function sample(i: number): Annotation {
	return {
		kind: ANNOTATION_KINDS[i % ANNOTATION_KINDS.length]!,
		label: `标绘 ${i}`,
		note: '',
		geometry: { type: 'Point', coordinates: [105.6 + (i % 100) * 0.005, 32.4 + Math.floor(i / 100) * 0.005] },
		createdBy: 'u1',
		ownerOrgId: 'org1',
		createdAt: '2024-07-01T00:00:00.000Z',
		taskIds: [],
		feedIds: []
	};
}

function syncedDoc(n: number) {
	const doc = new IncidentDoc(new Y.Doc());
	doc.doc.transact(() => {
		for (let i = 0; i < n; i++) doc.addAnnotation(`a${i}`, sample(i));
	});
	const source = new VectorSource<Feature<OlGeometry>>();
	const t0 = performance.now();
	const sync = new EntityFeatureSync(doc.annotations, source, annotationAdapter, 'wgs84');
	return { doc, source, sync, loadMs: performance.now() - t0 };
}

describe('annotation symbols', () => {
	it('gives every kind its own combination of colour and shape', () => {
		const looks = ANNOTATION_KINDS.map((k) => {
			const s = ANNOTATION_SYMBOLS[k];
			return `${s.color}|${s.badge}|${s.glyph}|${s.lineMark}|${s.lineDash.join()}`;
		});
		expect(new Set(looks).size).toBe(ANNOTATION_KINDS.length);
	});

	it('draws a danger zone as a red polygon, a blocked road as a red dashed line with a cross', () => {
		const zone = annotationStyles(
			{ kind: 'danger_zone', label: '', selected: false },
			new Polygon([
				[
					[0, 0],
					[1, 0],
					[1, 1],
					[0, 0]
				]
			]),
			10
		);
		expect(zone[0]!.getStroke()!.getColor()).toBe('#d7191c');
		expect(zone[0]!.getFill()).toBeTruthy();

		const road = annotationStyles(
			{ kind: 'road_blocked', label: '', selected: false },
			new LineString([
				[0, 0],
				[100, 0]
			]),
			10
		);
		expect(road[0]!.getStroke()!.getLineDash()).toEqual([10, 6]);
		expect(road.some((s) => s.getImage() && (s.getGeometry() as Point).getCoordinates()[0] === 50)).toBe(
			true
		);
	});

	it('puts direction arrows along an evacuation route and an icon on points', () => {
		const route = annotationStyles(
			{ kind: 'evacuation_route', label: '', selected: false },
			new LineString([
				[0, 0],
				[100, 0],
				[100, 100]
			]),
			10
		);
		expect(route.filter((s) => s.getImage()).length).toBe(2);
		const shelter = annotationStyles({ kind: 'shelter', label: '', selected: false }, new Point([0, 0]), 10);
		// Outside a browser the badge is a plain shape in the kind's colour (an SVG icon in a browser).
		const image = shelter[0]!.getImage() as unknown as { getFill(): { getColor(): unknown } };
		expect(image.getFill().getColor()).toBe('#1a9641');
	});

	it('shows labels only when zoomed in or selected, and a halo when selected', () => {
		const p = new Point([0, 0]);
		const near = annotationStyles({ kind: 'shelter', label: '朝天小学', selected: false }, p, 10);
		expect(near.some((s) => s.getText()?.getText() === '朝天小学')).toBe(true);
		const far = annotationStyles(
			{ kind: 'shelter', label: '朝天小学', selected: false },
			p,
			LABEL_MAX_RESOLUTION * 2
		);
		expect(far.some((s) => s.getText())).toBe(false);
		const selFar = annotationStyles(
			{ kind: 'shelter', label: '朝天小学', selected: true },
			p,
			LABEL_MAX_RESOLUTION * 2
		);
		expect(selFar.some((s) => s.getText())).toBe(true);
		const line = new LineString([
			[0, 0],
			[1, 1]
		]);
		expect(
			annotationStyles({ kind: 'fire_line', label: '', selected: true }, line, 10).length
		).toBeGreaterThan(annotationStyles({ kind: 'fire_line', label: '', selected: false }, line, 10).length);
	});
});

describe('Y.Map ↔ feature sync', () => {
	it('shows every annotation of the document as one feature with its id', () => {
		const { source, sync } = syncedDoc(50);
		expect(source.getFeatures()).toHaveLength(50);
		expect(source.getFeatureById('a7')!.get('label')).toBe('标绘 7');
		sync.destroy();
	});

	it('updates only the feature whose annotation changed, among 5,000', () => {
		const { doc, source, sync, loadMs } = syncedDoc(5000);
		const revisions = new Map(source.getFeatures().map((f) => [f.getId(), f.getRevision()]));
		let added = 0;
		let removed = 0;
		source.on('addfeature', () => added++);
		source.on('removefeature', () => removed++);

		const t0 = performance.now();
		setAnnotationText(doc, 'a42', { label: '新名称' });
		const elapsed = performance.now() - t0;

		const changed = source.getFeatures().filter((f) => f.getRevision() !== revisions.get(f.getId()));
		expect(changed.map((f) => f.getId())).toEqual(['a42']);
		expect(source.getFeatureById('a42')!.get('label')).toBe('新名称');
		expect(added + removed).toBe(0);
		// Relative, so a loaded machine does not fail it: one edit costs a small fraction of a full load.
		expect(elapsed).toBeLessThan(loadMs / 10);
		sync.destroy();
	});

	it('adds, moves and removes features as annotations are created, edited and deleted', () => {
		const { doc, source, sync } = syncedDoc(3);
		const id = createAnnotation(doc, actor, {
			kind: 'command_post',
			label: '前线指挥部',
			note: '',
			geometry: { type: 'Point', coordinates: [105.9, 32.65] }
		});
		expect(source.getFeatures()).toHaveLength(4);
		setAnnotationGeometry(doc, id, { type: 'Point', coordinates: [105.95, 32.7] });
		const moved = fromOlGeometry(source.getFeatureById(id)!.getGeometry()!, 'wgs84');
		expect(moved).toEqual({ type: 'Point', coordinates: [105.95, 32.7] });
		deleteAnnotation(doc, id);
		expect(source.getFeatureById(id)).toBeNull();
		expect(source.getFeatures()).toHaveLength(3);
		sync.destroy();
	});

	it('follows changes that arrive from another replica', () => {
		const { doc, source, sync } = syncedDoc(0);
		const remote = new IncidentDoc(new Y.Doc());
		remote.addAnnotation('r1', sample(1));
		Y.applyUpdate(doc.doc, Y.encodeStateAsUpdate(remote.doc));
		expect(source.getFeatureById('r1')).not.toBeNull();
		remote.remove('annotations', 'r1');
		Y.applyUpdate(doc.doc, Y.encodeStateAsUpdate(remote.doc));
		expect(source.getFeatureById('r1')).toBeNull();
		sync.destroy();
	});

	it('skips malformed annotations instead of failing, and stops listening when destroyed', () => {
		const { doc, source, sync } = syncedDoc(0);
		doc.doc.transact(() => {
			const bad = new Y.Map<unknown>();
			bad.set('kind', 'not-a-kind');
			doc.annotations.set('bad', bad);
		});
		expect(source.getFeatures()).toHaveLength(0);
		sync.destroy();
		doc.addAnnotation('late', sample(2));
		expect(source.getFeatures()).toHaveLength(0);
	});

	it('shows features shifted for a GCJ-02 base layer while the document keeps WGS84', () => {
		const { doc, source, sync } = syncedDoc(1);
		const before = (source.getFeatureById('a0')!.getGeometry() as Point).getCoordinates();
		sync.setCrs('gcj02');
		const shifted = source.getFeatureById('a0')!.getGeometry()!;
		expect((shifted as Point).getCoordinates()).not.toEqual(before);
		// Reading the displayed geometry back through the same CRS gives the stored position.
		const back = fromOlGeometry(shifted, 'gcj02');
		expect(back?.type).toBe('Point');
		const stored = sample(0).geometry.coordinates as [number, number];
		expect(distanceMetres(stored, back!.coordinates as [number, number])).toBeLessThan(0.2);
		expect(doc.annotations.get('a0')!.get('geometry')).toEqual(sample(0).geometry);
		sync.destroy();
	});

	it('converts geometries to the view projection and back', () => {
		const g = {
			type: 'LineString' as const,
			coordinates: [
				[105.8, 32.6],
				[105.85, 32.65]
			] as [number, number][]
		};
		expect(fromOlGeometry(toOlGeometry(g, 'wgs84'), 'wgs84')).toEqual(g);
	});
});

describe('GeoJSON import and export', () => {
	it('imports valid features and reports each invalid one with its position and reason', () => {
		const file = JSON.stringify({
			type: 'FeatureCollection',
			features: [
				{
					type: 'Feature',
					properties: { kind: 'shelter', name: '朝天中学' },
					geometry: { type: 'Point', coordinates: [105.88, 32.64, 500] }
				},
				{
					type: 'Feature',
					properties: { kind: '危险区域' },
					geometry: {
						type: 'Polygon',
						coordinates: [
							[
								[105.8, 32.6],
								[105.9, 32.6],
								[105.9, 32.7],
								[105.8, 32.6]
							]
						]
					}
				},
				{
					type: 'Feature',
					properties: { kind: 'shelter' },
					geometry: { type: 'MultiPoint', coordinates: [[105.8, 32.6]] }
				},
				{
					type: 'Feature',
					properties: { kind: 'shelter' },
					geometry: { type: 'Point', coordinates: [405.8, 32.6] }
				},
				{
					type: 'Feature',
					properties: { kind: 'volcano' },
					geometry: { type: 'Point', coordinates: [105.8, 32.6] }
				},
				{
					type: 'Feature',
					properties: { kind: 'danger_zone' },
					geometry: {
						type: 'Polygon',
						coordinates: [
							[
								[105.8, 32.6],
								[105.9, 32.6],
								[105.9, 32.7],
								[105.8, 32.7]
							]
						]
					}
				},
				{ type: 'Feature', properties: { kind: 'shelter' }, geometry: null },
				{ type: 'Nope' },
				{
					type: 'Feature',
					properties: { kind: 'shelter', label: { x: 1 } },
					geometry: { type: 'Point', coordinates: [105.8, 32.6] }
				}
			]
		});
		const r = parseAnnotationsGeoJson(file);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.annotations).toHaveLength(2);
		expect(r.annotations[0]).toEqual({
			kind: 'shelter',
			label: '朝天中学',
			note: '',
			geometry: { type: 'Point', coordinates: [105.88, 32.64] }
		});
		expect(r.annotations[1]!.kind).toBe('danger_zone');
		expect(r.rejected.map((x) => [x.index, x.reason])).toEqual([
			[3, 'unsupported-geometry'],
			[4, 'bad-coordinates'],
			[5, 'unknown-kind'],
			[6, 'bad-coordinates'],
			[7, 'missing-geometry'],
			[8, 'not-feature'],
			[9, 'bad-properties']
		]);
	});

	it('refuses a file that is not JSON or not a FeatureCollection', () => {
		expect(parseAnnotationsGeoJson('{oops')).toEqual({ ok: false, error: 'not-json' });
		expect(parseAnnotationsGeoJson('{"type":"Point","coordinates":[1,2]}')).toEqual({
			ok: false,
			error: 'not-feature-collection'
		});
	});

	it('exports what it imports, with authorship from the importing user, in one transaction', () => {
		const doc = new IncidentDoc(new Y.Doc());
		let transactions = 0;
		doc.doc.on('afterTransaction', () => transactions++);
		const source = parseAnnotationsGeoJson(
			annotationsToGeoJson([
				{ id: 'x', ...sample(0) },
				{ id: 'y', ...sample(1) }
			])
		);
		if (!source.ok) throw new Error('parse failed');
		const ids = importAnnotations(doc, actor, source.annotations, new Date('2024-07-02T00:00:00Z'));
		expect(transactions).toBe(1);
		const out = annotationsToGeoJson(listAnnotations(doc));
		expect(out.features.map((f) => f.id).sort()).toEqual([...ids].sort());
		const first = out.features.find((f) => f.properties.label === '标绘 0')!;
		expect(first.geometry).toEqual(sample(0).geometry);
		expect(first.properties.createdBy).toBe('u-water-1');
		expect(first.properties.ownerOrgId).toBe('org-water');
		expect(first.properties.createdAt).toBe('2024-07-02T00:00:00.000Z');
	});
});
