/**
 * The phone's position, asked only when the person chooses to attach it (a report's position,
 * "attach my location" on a note). WGS84, as the Geolocation API gives it and the document stores.
 */
import type { LonLat } from '$lib/domain/incident-doc';

/** The current position, or null if it is refused, unavailable or takes longer than `timeoutMs`. */
export function currentPosition(timeoutMs = 10_000): Promise<LonLat | null> {
	if (typeof navigator === 'undefined' || !navigator.geolocation) return Promise.resolve(null);
	return new Promise((resolve) => {
		navigator.geolocation.getCurrentPosition(
			(p) => resolve([round(p.coords.longitude), round(p.coords.latitude)]),
			() => resolve(null),
			{ enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 }
		);
	});
}

/** Six decimals: about 0.1 m, more than a phone knows. */
function round(v: number): number {
	return Math.round(v * 1e6) / 1e6;
}

/** A link that opens the phone's navigation app at a place (RFC 5870: latitude first). */
export function geoLink([lon, lat]: LonLat, label?: string): string {
	const q = label ? `?q=${lat},${lon}(${encodeURIComponent(label)})` : '';
	return `geo:${lat},${lon}${q}`;
}
