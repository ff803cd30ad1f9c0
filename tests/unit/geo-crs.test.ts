import { describe, expect, it } from 'vitest';
import { distanceMetres, fromDisplay, mapGeometry, toDisplay } from '../../src/lib/geo/crs.ts';
import type { LonLat } from '../../src/lib/domain/incident-doc.ts';

const chaotianTown: LonLat = [105.884081, 32.643374];

describe('display CRS conversion', () => {
	it('leaves WGS84 positions untouched on a WGS84 base layer', () => {
		expect(toDisplay(chaotianTown, 'wgs84')).toBe(chaotianTown);
		expect(fromDisplay(chaotianTown, 'wgs84')).toBe(chaotianTown);
	});

	it('shifts positions by the GCJ-02 offset of this area (a few hundred metres) for a GCJ-02 layer', () => {
		const shifted = toDisplay(chaotianTown, 'gcj02');
		const metres = distanceMetres(chaotianTown, shifted);
		expect(metres).toBeGreaterThan(300);
		expect(metres).toBeLessThan(600);
	});

	it('round-trips WGS84 → GCJ-02 → WGS84 to within a millimetre across the district', () => {
		for (let lon = 105.6; lon <= 106.2; lon += 0.1) {
			for (let lat = 32.4; lat <= 33.0; lat += 0.1) {
				const back = fromDisplay(toDisplay([lon, lat], 'gcj02'), 'gcj02');
				expect(distanceMetres([lon, lat], back)).toBeLessThan(0.001);
			}
		}
	});

	it('does not drift when a shape is read back and re-shown many times (repeated edits)', () => {
		let p: LonLat = chaotianTown;
		for (let i = 0; i < 100; i++) p = fromDisplay(toDisplay(p, 'gcj02'), 'gcj02');
		expect(distanceMetres(chaotianTown, p)).toBeLessThan(0.001);
	});

	it('converts every position of a polygon and returns a new geometry', () => {
		const ring: LonLat[] = [
			[105.8, 32.6],
			[105.9, 32.6],
			[105.9, 32.7],
			[105.8, 32.6]
		];
		const g = { type: 'Polygon' as const, coordinates: [ring] };
		const shifted = mapGeometry(g, (p) => toDisplay(p, 'gcj02'));
		expect(g.coordinates[0]).toBe(ring);
		expect(shifted.type).toBe('Polygon');
		if (shifted.type !== 'Polygon') return;
		expect(shifted.coordinates[0]?.[0]).not.toEqual(ring[0]);
		expect(distanceMetres(ring[2]!, fromDisplay(shifted.coordinates[0]![2]!, 'gcj02'))).toBeLessThan(0.01);
	});
});
