/**
 * A refused change as words a person can read, copy, or send again as a log entry or a progress
 * note: which field, and what they typed.
 */
import type { RefusedChange } from '$lib/domain/protocol';
import type { Translate } from '$lib/i18n';

/** What was typed: text as it is, other values as `key: value` lines. */
export function attemptedText(t: Translate, change: RefusedChange): string {
	const v = change.attempted;
	if (v === null || v === undefined) return t('offline.refused.removed');
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
	return Object.entries(v as Record<string, unknown>)
		.filter(([, x]) => x !== null && x !== undefined && x !== '')
		.map(([k, x]) => `${k}: ${typeof x === 'string' ? x : JSON.stringify(x)}`)
		.join('\n');
}

/** Where it was meant to go, e.g. `tasks › task-1 › status`. */
export function changePlace(change: RefusedChange): string {
	return [change.collection, change.entityId, change.field].filter(Boolean).join(' › ');
}

/** Why, in the person's language: the policy's reason names the common cases. */
export function refusalReason(t: Translate, change: RefusedChange): string {
	const r = change.reason.toLowerCase();
	if (r.includes('closed')) return t('offline.refused.reason.closed');
	if (r.includes('may not') || r.includes('forbidden') || r.includes('not allowed') || r.includes('only'))
		return t('offline.refused.reason.forbidden');
	return t('offline.refused.reason.other');
}
