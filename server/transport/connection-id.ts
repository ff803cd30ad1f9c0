/** Connection ids: unique within the process, sortable by creation, short enough for logs. */
let counter = 0;
const boot = Date.now().toString(36);

export function nextConnectionId(prefix: string): string {
	counter += 1;
	return `${prefix}-${boot}-${counter.toString(36)}`;
}
