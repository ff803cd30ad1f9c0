/** The registers' REST calls (server/api/registers.ts), typed from domain/api/registers.ts. */
import type {
	HazardStepEntry,
	ImportReport,
	RegisterChangeEntry,
	RegisterList,
	RegisterRow
} from '$lib/domain/api/registers';
import { ApiError, ApiErrorBodySchema } from '$lib/domain/api/errors';
import type { HazardStatus } from '$lib/domain/registers-hazard';
import type { RegisterName, RegisterRowInput } from '$lib/domain/registers';
import { api, csrfHeader } from './client.ts';

export interface RegisterFilter {
	township?: string;
	q?: string;
	status?: string;
	overdue?: boolean;
	limit?: number;
	offset?: number;
}

const base = (r: RegisterName) => `/api/registers/${r}`;

export function listRegister(register: RegisterName, f: RegisterFilter = {}): Promise<RegisterList> {
	const q = new URLSearchParams();
	if (f.township) q.set('township', f.township);
	if (f.q) q.set('q', f.q);
	if (f.status) q.set('status', f.status);
	if (f.overdue) q.set('overdue', '1');
	q.set('limit', String(f.limit ?? 200));
	if (f.offset) q.set('offset', String(f.offset));
	return api.get<RegisterList>(`${base(register)}?${q}`);
}

export async function createRegisterRow(register: RegisterName, row: RegisterRowInput): Promise<RegisterRow> {
	return (await api.post<{ row: RegisterRow }>(base(register), { row })).row;
}

export async function updateRegisterRow(
	register: RegisterName,
	id: string,
	row: RegisterRowInput,
	version: number
): Promise<RegisterRow> {
	return (
		await api.patch<{ row: RegisterRow }>(`${base(register)}/${encodeURIComponent(id)}`, { row, version })
	).row;
}

export async function deleteRegisterRow(register: RegisterName, id: string): Promise<void> {
	await api.delete<unknown>(`${base(register)}/${encodeURIComponent(id)}`);
}

export async function registerRowHistory(register: RegisterName, id: string): Promise<RegisterChangeEntry[]> {
	return (
		await api.get<{ changes: RegisterChangeEntry[] }>(`${base(register)}/${encodeURIComponent(id)}/history`)
	).changes;
}

export async function hazardSteps(id: string): Promise<HazardStepEntry[]> {
	return (
		await api.get<{ steps: HazardStepEntry[] }>(`/api/registers/hazards/${encodeURIComponent(id)}/steps`)
	).steps;
}

export async function takeHazardStep(
	id: string,
	step: { to: HazardStatus; note: string; dueAt: string | null }
): Promise<RegisterRow> {
	return (
		await api.post<{ row: RegisterRow }>(`/api/registers/hazards/${encodeURIComponent(id)}/steps`, step)
	).row;
}

export async function checkCamera(id: string): Promise<RegisterRow> {
	return (await api.post<{ row: RegisterRow }>(`/api/registers/cameras/${encodeURIComponent(id)}/check`)).row;
}

/** Sends a CSV or .xlsx file as it is (the server reads UTF-8, GBK or Excel); a refusal carries each row's errors. */
export async function importRegister(
	register: RegisterName,
	file: Blob,
	opts: { dryRun: boolean; exclude: readonly number[] }
): Promise<ImportReport> {
	const q = new URLSearchParams({ dryRun: opts.dryRun ? '1' : '0', exclude: opts.exclude.join(',') });
	const res = await fetch(`${base(register)}/import?${q}`, {
		method: 'POST',
		credentials: 'same-origin',
		headers: { 'content-type': file.type || 'text/csv', accept: 'application/json', ...csrfHeader() },
		body: file
	});
	const json: unknown = await res.json().catch(() => null);
	if (!res.ok) {
		const e = ApiErrorBodySchema.partial().safeParse(json);
		const body = e.success ? e.data : {};
		throw new ApiError(res.status, body.error ?? `http-${res.status}`, body.message ?? '', body.issues ?? []);
	}
	return json as ImportReport;
}

export const exportUrl = (register: RegisterName, format: 'csv' | 'geojson') =>
	`${base(register)}/export.${format}`;
