/**
 * Turns an error from the API client into a sentence in the user's language: known error codes
 * have their own message (`apiError.<code>`), anything else a generic one naming the code.
 */
import { NETWORK_ERROR } from '$lib/api/client';
import { ApiError } from '$lib/domain/api/errors';
import type { MessageKey, Translate } from '$lib/i18n';
import { zhCN } from '$lib/i18n/zh-CN';

export function errorMessage(t: Translate, err: unknown): string {
	if (err instanceof ApiError) {
		if (err.code === NETWORK_ERROR) return t('apiError.network');
		const key = `apiError.${err.code}`;
		if (Object.hasOwn(zhCN, key)) return t(key as MessageKey);
		return t('apiError.other', { code: err.code, status: err.status });
	}
	return t('apiError.other', { code: err instanceof Error ? err.name : 'error', status: 0 });
}
