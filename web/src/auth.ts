/**
 * Where the Studio's token comes from, in this order:
 * 1. a URL fragment `#token=<JWT>` an embedding site opened the Studio with (removed from the
 *    address bar and history at once, then kept like a typed one);
 * 2. the token kept from an earlier visit, unless it has expired;
 * 3. the development token the server hands out on the embedded default (`/studio/config.json`);
 * 4. otherwise the sign-in screen asks for one.
 */
const STORAGE_KEY = 'reyna:studio-token';

/** Seconds since the epoch at which `token` expires, or null when it says nothing. */
export function expiresAt(token: string): number | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp : null;
  } catch {
    return null;
  }
}

export function expired(token: string): boolean {
  const exp = expiresAt(token);
  return exp !== null && exp * 1000 <= Date.now();
}

/** Takes `#token=` out of the address (and history), returning it. */
export function takeFragmentToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) return null;
  window.history.replaceState(
    window.history.state,
    '',
    window.location.pathname + window.location.search,
  );
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

export function storedToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage disabled: the token lasts as long as the page.
  }
}

/** The development token, when this server hands one out (embedded default, loopback). */
export async function devToken(): Promise<string | null> {
  try {
    const res = await fetch('/studio/config.json', { cache: 'no-store' });
    if (!res.ok) return null;
    const body = (await res.json()) as { devToken?: unknown };
    return typeof body.devToken === 'string' ? body.devToken : null;
  } catch {
    return null;
  }
}

/** The first usable token, without asking the person. */
export async function initialToken(): Promise<string | null> {
  const handed = takeFragmentToken();
  if (handed && !expired(handed)) {
    storeToken(handed);
    return handed;
  }
  const kept = storedToken();
  if (kept && !expired(kept)) return kept;
  if (kept) storeToken(null);
  return devToken();
}
