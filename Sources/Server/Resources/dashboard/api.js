// The admin API as the dashboard calls it: same origin, the session cookie (HttpOnly, set by
// POST /api/session), and the CSRF header on every request that is not a GET.

/** An answer other than 2xx: its status and the API's `error` text. */
export class APIError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Called when a request answers 401 (the session ended). */
let onUnauthorized = () => {};
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/**
 * Calls the API: `path` with `method`, `body` as JSON when given. Returns the decoded JSON (or
 * null for 204), throws an APIError for any other status.
 */
export async function api(path, { method = 'GET', body, quietUnauthorized = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-LienThong-CSRF'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    throw new APIError(0, error.message);
  }
  if (response.status === 204) return null;
  let decoded = null;
  const text = await response.text();
  if (text) {
    try {
      decoded = JSON.parse(text);
    } catch {
      decoded = { error: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !quietUnauthorized) onUnauthorized();
    throw new APIError(response.status, decoded?.error ?? `HTTP ${response.status}`);
  }
  return decoded;
}

/** The role order: what a role may do includes what the lower ones may. */
const ranks = { viewer: 1, operator: 2, admin: 3 };
export function atLeast(role, wanted) {
  return (ranks[role] ?? 0) >= ranks[wanted];
}
