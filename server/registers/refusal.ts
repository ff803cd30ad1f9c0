/** A register write refused with a name the person is shown (domain/api/registers.ts lists them). */
import type { ApiIssue } from '#domain/api/errors';
import type { RegisterRefusalCode } from '#domain/api/registers';

export class RegisterRefusal extends Error {
	override readonly name = 'RegisterRefusal';
	constructor(
		readonly code: RegisterRefusalCode,
		message: string,
		readonly issues: readonly ApiIssue[] = []
	) {
		super(message);
	}
}
