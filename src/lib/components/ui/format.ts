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
