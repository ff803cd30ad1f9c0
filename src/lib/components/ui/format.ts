/**
 * Times as emergency staff read them: local 24-hour time, date shown only when it is not today.
 * ISO strings in, display strings out; an unparsable value is shown as it is.
 */
const pad = (n: number) => String(n).padStart(2, '0');

export function formatTime(iso: string | null | undefined, now: Date = new Date()): string {
	if (!iso) return '';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
	const sameDay =
		d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
	if (sameDay) return hm;
	const md = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
	return d.getFullYear() === now.getFullYear() ? md : `${d.getFullYear()}-${md}`;
}

/** For `<input type="datetime-local">`: local time without seconds or zone. */
export function toLocalInput(iso: string | null | undefined): string {
	if (!iso) return '';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return '';
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** From `<input type="datetime-local">` back to ISO; blank or invalid gives null. */
export function fromLocalInput(value: string): string | null {
	if (!value) return null;
	const d = new Date(value);
	return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * How old a fix (or anything timed) is, in the words the map uses: under a minute "刚刚", then
 * minutes, then hours up to a day; older, or an unreadable time, null (show the time itself).
 */
export function ageOf(
	iso: string,
	now: number
): { key: 'map.age.now' } | { key: 'map.age.minutes' | 'map.age.hours'; count: number } | null {
	const at = Date.parse(iso);
	if (!Number.isFinite(at)) return null;
	const minutes = Math.max(0, Math.floor((now - at) / 60_000));
	if (minutes < 1) return { key: 'map.age.now' };
	if (minutes < 60) return { key: 'map.age.minutes', count: minutes };
	if (minutes < 24 * 60) return { key: 'map.age.hours', count: Math.floor(minutes / 60) };
	return null;
}
