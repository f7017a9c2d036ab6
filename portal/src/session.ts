/** Where to log in, coming back to the page the person was on (the router checks `return_to` is ours). */
export const loginUrl = (): string => `/auth/login?return_to=${encodeURIComponent(window.location.pathname + window.location.search)}`;

/** The router's logout page: its button posts the logout with a token only that page has. */
export const LOGOUT_URL = '/auth/logout';
