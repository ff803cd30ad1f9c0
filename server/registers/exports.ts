/** A register's rows as CSV (the import's columns, so an export re-imports unchanged) and as GeoJSON. */
import type { RegisterRow } from '#domain/api/registers';
import { columnsOf, formatCsv, rowToRecord } from '#domain/registers-csv';
import type { RegisterName } from '#domain/registers';

export function registerCsv(register: RegisterName, rows: readonly RegisterRow[]): string {
	// A BOM so that spreadsheet programs on Chinese Windows read UTF-8, not GBK.
	return '\uFEFF' + formatCsv([columnsOf(register), ...rows.map((r) => rowToRecord(register, r))]);
}

export function registerGeoJson(rows: readonly RegisterRow[]): object {
	return {
		type: 'FeatureCollection',
		features: rows.map((r) => ({
			type: 'Feature',
			id: r.id,
			geometry: r.lon === null || r.lat === null ? null : { type: 'Point', coordinates: [r.lon, r.lat] },
			properties: {
				register: r.register,
				code: r.code,
				name: r.name,
				township: r.township,
				ownerOrgId: r.ownerOrgId,
				demo: r.demo,
				status: r.status,
				availability: r.availability,
				overdue: r.overdue,
				...r.data
			}
		}))
	};
}
