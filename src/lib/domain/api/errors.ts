/**
 * How the REST API says no: a JSON body `{ error, message, issues? }` with a stable kebab-case
 * `error` code, and for invalid input one issue per offending field. The server throws ApiError
 * and renders its body; the app turns every failed call into the same ApiError, so pages switch
 * on codes and translate them instead of showing the server's English.
 */
import { z } from 'zod';

export const ApiIssueSchema = z.object({
	/** Dotted path of the offending field ('' for the body itself). */
	path: z.string(),
	message: z.string()
});
export type ApiIssue = z.infer<typeof ApiIssueSchema>;

export const ApiErrorBodySchema = z.object({
	error: z.string(),
	message: z.string(),
	issues: z.array(ApiIssueSchema).optional()
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

/** A refused or failed API call: its HTTP status (0 when the network failed) and error code. */
export class ApiError extends Error {
	override readonly name = 'ApiError';
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly issues: readonly ApiIssue[] = []
	) {
		super(message);
	}

	get body(): ApiErrorBody {
		return {
			error: this.code,
			message: this.message,
			...(this.issues.length ? { issues: [...this.issues] } : {})
		};
	}
}
