/** A township's overview for its duty officer's first page (GET /api/townships/:code/overview). */
import type { TownshipOverview } from '$lib/domain/api/townships';
import { api } from './client.ts';

export function townshipOverview(code: string): Promise<TownshipOverview> {
	return api.get<TownshipOverview>(`/api/townships/${encodeURIComponent(code)}/overview`);
}
