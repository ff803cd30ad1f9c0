/** The duty roster API (值班表, 交接班). */
import type { Handover, HandoverInput, Shift, ShiftInput } from '$lib/domain/api/duty';
import { api } from './client.ts';

const base = (orgId: string) => `/api/duty/${encodeURIComponent(orgId)}`;

export async function shifts(orgId: string, from: string, to: string): Promise<Shift[]> {
	const q = new URLSearchParams({ from, to });
	return (await api.get<{ shifts: Shift[] }>(`${base(orgId)}/shifts?${q}`)).shifts;
}

export async function onDuty(orgId: string): Promise<Shift | null> {
	return (await api.get<{ shift: Shift | null }>(`${base(orgId)}/on-duty`)).shift;
}

/** Who is on duty now in every organisation that has a shift now, by organisation id. */
export async function onDutyEverywhere(): Promise<Map<string, Shift>> {
	const r = await api.get<{ shifts: Shift[] }>('/api/duty/on-duty');
	return new Map(r.shifts.map((s) => [s.orgId, s]));
}

export async function addShift(orgId: string, body: ShiftInput): Promise<Shift> {
	return (await api.post<{ shift: Shift }>(`${base(orgId)}/shifts`, body)).shift;
}

export function removeShift(orgId: string, id: string): Promise<unknown> {
	return api.delete(`${base(orgId)}/shifts/${encodeURIComponent(id)}`);
}

export async function importMonth(orgId: string, month: string, csv: string): Promise<number> {
	return (await api.post<{ imported: number }>(`${base(orgId)}/import`, { month, csv })).imported;
}

export async function handovers(orgId: string): Promise<Handover[]> {
	return (await api.get<{ handovers: Handover[] }>(`${base(orgId)}/handovers`)).handovers;
}

export async function writeHandover(orgId: string, body: HandoverInput): Promise<Handover> {
	return (await api.post<{ handover: Handover }>(`${base(orgId)}/handovers`, body)).handover;
}

export async function confirmHandover(orgId: string, id: string): Promise<Handover> {
	return (
		await api.post<{ handover: Handover }>(`${base(orgId)}/handovers/${encodeURIComponent(id)}/confirm`)
	).handover;
}
