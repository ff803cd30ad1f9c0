/** The warnings API (预警与指令): issue, list, read, update, cancel, acknowledge, record a call. */
import type {
	CallRequest,
	IssueWarningRequest,
	UpdateWarningRequest,
	WarningDetail,
	WarningSummary
} from '$lib/domain/api/warnings';
import { api } from './client.ts';

const base = (id: string) => `/api/warnings/${encodeURIComponent(id)}`;

export function issueWarning(body: IssueWarningRequest): Promise<{ id: string; warning: WarningSummary }> {
	return api.post('/api/warnings', body);
}

export async function listWarnings(
	query: { status?: 'active' | 'lifted' | 'expired' | 'all'; unacknowledged?: boolean } = {}
): Promise<WarningSummary[]> {
	const q = new URLSearchParams();
	if (query.status) q.set('status', query.status);
	if (query.unacknowledged) q.set('unacknowledged', '1');
	return (await api.get<{ warnings: WarningSummary[] }>(`/api/warnings?${q}`)).warnings;
}

export async function getWarning(id: string): Promise<WarningDetail> {
	return (await api.get<{ warning: WarningDetail }>(base(id))).warning;
}

export function updateWarning(id: string, body: UpdateWarningRequest): Promise<unknown> {
	return api.post(`${base(id)}/update`, body);
}

export function cancelWarning(id: string, reason: string): Promise<unknown> {
	return api.post(`${base(id)}/cancel`, { reason });
}

export async function acknowledgeWarning(id: string, deviceAt?: string): Promise<WarningDetail> {
	return (await api.post<{ warning: WarningDetail }>(`${base(id)}/ack`, deviceAt ? { deviceAt } : {}))
		.warning;
}

export async function recordCall(id: string, body: CallRequest): Promise<WarningDetail> {
	return (await api.post<{ warning: WarningDetail }>(`${base(id)}/calls`, body)).warning;
}

export const capUrl = (id: string, version: number): string => `${base(id)}/cap?version=${version}`;
export const recordCsvUrl = (id: string): string => `${base(id)}/record.csv`;
export const WARNING_EVENTS_URL = '/api/warnings/events';
