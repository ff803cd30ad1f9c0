/** Times as the county writes them: Beijing time (+08:00), for CAP and identifiers. */
const OFFSET_MS = 8 * 3_600_000;

/** `2026-07-12T14:05:09+08:00` (CAP 1.2's dateTime form, no fraction). */
export function beijingIso(ms: number): string {
	return new Date(ms + OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
}

/** `20260712140509` (GB/T 35965.1's basic form). */
export function beijingStamp(ms: number): string {
	return beijingIso(ms).slice(0, 19).replace(/[-T:]/g, '');
}
