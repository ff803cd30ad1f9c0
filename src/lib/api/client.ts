/**
 * The app's one way to call the REST API: same-origin JSON, the session cookie, and the CSRF
 * token on every state-changing call. Every failure becomes the shared ApiError carrying the
 * server's stable `error` code (src/lib/domain/api/errors.ts), so pages can switch on codes and
 * translate them instead of showing raw text.
 */
import { ApiError, ApiErrorBodySchema } from '$lib/domain/api/errors';

/** The network itself failed (offline, server down): no HTTP status at all. */
export const NETWORK_ERROR = 'network-error';

let csrfToken: string | null = null;

/** Set from the session payload after login or session load; cleared on logout. */
export function setCsrfToken(token: string | null): void {
	csrfToken = token;
}

/** The CSRF header for a state-changing call that sends bytes, not JSON (a CSV file, a photo). */
export function csrfHeader(): Record<string, string> {
	return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function apiRequest<T>(method: Method, path: string, body?: unknown): Promise<T> {
	const headers: Record<string, string> = { accept: 'application/json' };
	if (body !== undefined) headers['content-type'] = 'application/json';
	if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
	let res: Response;
	try {
		res = await fetch(path, {
			method,
			headers,
			credentials: 'same-origin',
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch (err) {
		throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : String(err));
	}
	const text = await res.text();
	let json: unknown = null;
	if (text) {
		try {
			json = JSON.parse(text);
		} catch {
			// A proxy's HTML error page: keep the status, name the problem.
			throw new ApiError(res.status, 'not-json', `${method} ${path}: response is not JSON`);
		}
	}
	if (!res.ok) {
		// A proxy's or framework's JSON may not be ours: read what fits, fall back on the status.
		const parsed = ApiErrorBodySchema.partial().safeParse(json);
		const e = parsed.success ? parsed.data : {};
		throw new ApiError(
			res.status,
			e.error ?? `http-${res.status}`,
			e.message ?? res.statusText,
			e.issues ?? []
		);
	}
	return json as T;
}

export const api = {
	get: <T>(path: string) => apiRequest<T>('GET', path),
	post: <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, body ?? {}),
	put: <T>(path: string, body: unknown) => apiRequest<T>('PUT', path, body),
	patch: <T>(path: string, body: unknown) => apiRequest<T>('PATCH', path, body),
	delete: <T>(path: string) => apiRequest<T>('DELETE', path)
};
