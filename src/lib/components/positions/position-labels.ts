/**
 * How positions are labelled on the room map and the leaders' screen: who (or which team) and how
 * old the fix is ("朝天镇应急分队 · 3 分钟前"); a fix older than STALE_AFTER_MS is drawn grey.
 */
import { ageOf, formatTime } from '$lib/components/ui/format';
import type { Translate } from '$lib/i18n';

export const STALE_AFTER_MS = 30 * 60_000;

export function fixAge(at: string, now: number, t: Translate): string {
	const age = ageOf(at, now);
	if (!age) return formatTime(at);
	return 'count' in age ? t(age.key, { count: age.count }) : t(age.key);
}

export function isStale(at: string, now: number): boolean {
	const ms = Date.parse(at);
	return !Number.isFinite(ms) || now - ms > STALE_AFTER_MS;
}
