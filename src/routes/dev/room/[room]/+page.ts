// Live rooms are client-only: there is nothing useful to render before the socket syncs.
export const ssr = false;
