/**
 * What waits on this device, in words a field member understands: "3 条修改、2 张照片、15 个位置点"
 * (only the kinds that have something waiting, in that order).
 */
import type { Translate } from '$lib/i18n';
import type { WaitingSummary } from './waiting-registry.ts';

export function waitingWords(s: WaitingSummary, t: Translate): string {
	const parts: string[] = [];
	if (s.changes > 0) parts.push(t('offline.queued.changes', { count: s.changes }));
	if (s.photos > 0) parts.push(t('offline.queued.photos', { count: s.photos }));
	if (s.fixes > 0) parts.push(t('offline.queued.fixes', { count: s.fixes }));
	if (s.acks > 0) parts.push(t('offline.queued.acks', { count: s.acks }));
	return parts.join(t('offline.queued.separator'));
}
