/**
 * Field teams open on the field view; one who chose the desk view from there keeps it for the
 * rest of the tab's life (sessionStorage), so the incident list does not send them back.
 */
const KEY = 'sitroom.deskView';

export function chooseDeskView(): void {
	try {
		sessionStorage.setItem(KEY, '1');
	} catch {
		// Storage disabled: the choice lasts until the next landing.
	}
}

export function choseDeskView(): boolean {
	try {
		return sessionStorage.getItem(KEY) === '1';
	} catch {
		return false;
	}
}
