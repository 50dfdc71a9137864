/**
 * The Studio's frame: signs in (development token, handed-over token or the sign-in screen),
 * owns the urql client, and shows the page the path names. An expired or refused token brings
 * the sign-in back over the page, which stays as it was (drafts are kept in localStorage too).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Provider } from 'urql';
import { initialToken, storeToken } from './auth';
import { BookView } from './BookView';
import { createUrql } from './client';
import { Library } from './Library';
import { StudioClientContext } from './live';
import { OfflineBanner } from './OfflineBanner';
import { RunsPanel } from './RunsPanel';
import { followLink, parseRoute, usePath } from './router';
import { SignIn } from './SignIn';

// Loaded when first opened: the first page ships without them.
const BookExport = lazy(() => import('./BookExport').then((m) => ({ default: m.BookExport })));
const Pitches = lazy(() => import('./Pitches').then((m) => ({ default: m.Pitches })));

type Auth =
  | { state: 'starting' }
  | { state: 'signed-in'; token: string }
  | { state: 'signed-out'; reason?: string };

export function App() {
  const [auth, setAuth] = useState<Auth>({ state: 'starting' });
  // The last token that worked: the page stays mounted under the sign-in screen with it.
  const [lastToken, setLastToken] = useState<string | null>(null);
  const tokenRef = useRef<string | null>(null);

  useEffect(() => {
    void initialToken().then((token) => {
      if (token) {
        tokenRef.current = token;
        setLastToken(token);
        setAuth({ state: 'signed-in', token });
      } else setAuth({ state: 'signed-out' });
    });
  }, []);

  const onUnauthenticated = useCallback((refused: string) => {
    // A client of a token already replaced may still hear refusals: they are no news.
    if (refused !== tokenRef.current) return;
    storeToken(null);
    setAuth({
      state: 'signed-out',
      reason:
        'Your session has ended (the token expired or was refused). Sign in again: your text is kept.',
    });
  }, []);

  const signIn = useCallback((token: string) => {
    storeToken(token);
    tokenRef.current = token;
    setLastToken(token);
    setAuth({ state: 'signed-in', token });
  }, []);

  // One client per token: a new token starts fresh connections (the WebSocket included).
  const urql = useMemo(
    () => (lastToken ? createUrql(lastToken, onUnauthenticated) : null),
    [lastToken, onUnauthenticated],
  );
  useEffect(() => () => urql?.dispose(), [urql]);

  if (auth.state === 'starting') {
    return (
      <p className="centered" role="status">
        Signing in…
      </p>
    );
  }
  return (
    <>
      {urql && (
        <Provider value={urql.client}>
          <StudioClientContext.Provider value={urql.studio}>
            <div inert={auth.state === 'signed-out' ? true : undefined}>
              <Pages />
            </div>
          </StudioClientContext.Provider>
        </Provider>
      )}
      {auth.state === 'signed-out' && <SignIn reason={auth.reason} onSignIn={signIn} />}
    </>
  );
}

function Pages() {
  const path = usePath();
  const route = parseRoute(path);
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(path);
  // A page change that removed the focused control (a link followed) moves the focus to the new
  // page, so the keyboard and a screen reader go on from there rather than from the top.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each page change.
  useEffect(() => {
    if (path === firstPath.current) return;
    firstPath.current = '';
    const active = document.activeElement;
    if (!active || active === document.body) main.current?.focus({ preventScroll: true });
  }, [path]);
  return (
    <div className="app">
      <OfflineBanner />
      <header className="topbar">
        <a href="/" className="brand" onClick={(e) => followLink(e, '/')}>
          ReYNa Studio
        </a>
        <a
          href="/"
          className="nav"
          aria-current={
            route.page === 'library' || route.page === 'book' || route.page === 'export'
              ? 'page'
              : undefined
          }
          onClick={(e) => followLink(e, '/')}
        >
          Book Writer
        </a>
        <a
          href="/pitches"
          className="nav"
          aria-current={route.page === 'pitches' ? 'page' : undefined}
          onClick={(e) => followLink(e, '/pitches')}
        >
          Pitches
        </a>
        <a
          href="/runs"
          className="nav"
          aria-current={route.page === 'runs' ? 'page' : undefined}
          onClick={(e) => followLink(e, '/runs')}
        >
          Runs
        </a>
      </header>
      <main ref={main} tabIndex={-1}>
        {route.page === 'library' && <Library />}
        {route.page === 'runs' && <RunsPanel />}
        {route.page === 'book' && <BookView bookId={route.bookId} chapterId={route.chapterId} />}
        <Suspense fallback={<p role="status">Loading…</p>}>
          {route.page === 'export' && <BookExport key={route.bookId} bookId={route.bookId} />}
          {route.page === 'pitches' && <Pitches pitchId={route.pitchId} />}
        </Suspense>
      </main>
    </div>
  );
}
