/**
 * The split view: the passage on the left, saved as the writer types (a new version each pause,
 * with `expectedVersion`, so another tab's write is reported, not overwritten); on the right its
 * expansion, streaming in as the model writes it, then the stored blob with metrics and provenance.
 */
import { BlobDocument, CreateBlobDocument, dataOf, UpdateBlobDocument } from '@reyna-studio/sdk';
import { useEffect, useId, useRef, useState } from 'react';
import { type CombinedError, useClient, useMutation } from 'urql';
import type { Chapter } from './BookView';
import { type Draft, loadDraft, saveDraft } from './drafts';
import { ExpansionPane } from './ExpansionPane';
import { codeOf, type Issue, issuesOf, messageOf } from './errors';
import { useConnection } from './live';
import { VersionHistory, type VersionText } from './VersionHistory';

/** How long the writer pauses before the text is saved. */
const SAVE_AFTER_MS = 800;
/** How often a save that could not reach the server is tried again while still offline. */
const RETRY_OFFLINE_MS = 5000;
const STYLES = ['formal', 'casual', 'creative'] as const;

type SaveState =
  | { kind: 'saved' }
  | { kind: 'unsaved' }
  | { kind: 'saving' }
  | { kind: 'conflict' }
  | { kind: 'signed-out' }
  | { kind: 'offline' }
  | { kind: 'invalid'; issues: Issue[] }
  | { kind: 'error'; message: string };

export function SplitView({
  bookId,
  chapter,
  number,
  onCreated,
}: {
  bookId: string;
  chapter: Chapter | null;
  number: number;
  onCreated: (id: string) => void;
}) {
  const ids = useId();
  const initial = useRef<{ id: string | null; draft: Draft; restored: boolean } | null>(null);
  if (initial.current === null) {
    const stored: Draft = {
      title: chapter?.title ?? '',
      style: chapter?.style ?? '',
      content: chapter?.content ?? '',
    };
    const kept = loadDraft(bookId, chapter?.id ?? null);
    const restored = kept !== null && JSON.stringify(kept) !== JSON.stringify(stored);
    initial.current = { id: chapter?.id ?? null, draft: restored ? kept : stored, restored };
  }
  const [draft, setDraft] = useState<Draft>(initial.current.draft);
  const [blob, setBlob] = useState<{ id: string; version: number } | null>(
    chapter ? { id: chapter.id, version: chapter.version } : null,
  );
  const [state, setState] = useState<SaveState>(
    initial.current.restored ? { kind: 'unsaved' } : { kind: 'saved' },
  );
  const [, createBlob] = useMutation(CreateBlobDocument);
  const [, updateBlob] = useMutation(UpdateBlobDocument);
  const client = useClient();
  const clientRef = useRef(client);
  clientRef.current = client;
  const saving = useRef(false);
  /**
   * The idempotency key of this chapter's create until its answer comes: a create tried again
   * after a lost answer is the same create, and the server answers the chapter it stored.
   */
  const createKey = useRef<string | null>(null);
  /** An update whose answer never came: the server may have stored it all the same. */
  const lost = useRef<{ id: string; version: number; data: unknown; text: Draft } | null>(null);
  const latest = useRef({ draft, blob });
  latest.current = { draft, blob };
  // The text as stored at `blob.version` (what a newer version that only moved the chapter keeps).
  const storedText = useRef<Draft>({
    title: chapter?.title ?? '',
    style: chapter?.style ?? '',
    content: chapter?.content ?? '',
  });
  const [historyOpen, setHistoryOpen] = useState(false);

  // A newer version from the book (a reorder moved this chapter) with the text as stored here is
  // taken as the base of the next save; any other newer version is another tab's, and the next
  // save reports the conflict.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a newer version from the book matters.
  useEffect(() => {
    const current = latest.current.blob;
    if (!chapter || !current || chapter.id !== current.id || chapter.version <= current.version)
      return;
    const theirs = { title: chapter.title, style: chapter.style, content: chapter.content };
    if (JSON.stringify(theirs) !== JSON.stringify(storedText.current)) return;
    setBlob({ id: chapter.id, version: chapter.version });
    latest.current.blob = { id: chapter.id, version: chapter.version };
  }, [chapter?.version]);

  const edit = (change: Partial<Draft>) => {
    const next = { ...draft, ...change };
    setDraft(next);
    saveDraft(bookId, blob?.id ?? null, next);
    if (state.kind !== 'conflict' && state.kind !== 'signed-out' && state.kind !== 'offline')
      setState({ kind: 'unsaved' });
  };

  async function save(): Promise<void> {
    if (saving.current) return;
    saving.current = true;
    const startedWith = clientRef.current;
    const { draft: text, blob: current } = latest.current;
    setState({ kind: 'saving' });
    const metadata = {
      chapter: number,
      ...(text.title.trim() ? { title: text.title.trim() } : {}),
      ...(text.style ? { style: text.style as (typeof STYLES)[number] } : {}),
    };
    const data = { content: text.content, metadata };
    let error: CombinedError | undefined;
    /** The chapter was stored with other text than this save's (an earlier try's): save again. */
    let stale = false;
    if (!current) {
      createKey.current ??= newKey();
      const idempotencyKey = createKey.current;
      const input = { schemaId: 'text-input-v2', data, bookId, idempotencyKey };
      const result = await createBlob({ input });
      error = result.error;
      if (result.data) {
        createKey.current = null;
        const made = result.data.createBlob;
        setBlob({ id: made.id, version: made.version });
        latest.current.blob = { id: made.id, version: made.version };
        stale = !sameData(made.data, data);
        // What is typed stays in this browser until the next save stores it over the old text.
        saveDraft(bookId, null, null);
        if (stale) saveDraft(bookId, made.id, latest.current.draft);
        onCreated(made.id);
      }
    } else {
      const result = await updateBlob({
        id: current.id,
        input: { data, expectedVersion: current.version },
      });
      error = result.error;
      if (result.data) {
        const made = result.data.updateBlob;
        setBlob({ id: made.id, version: made.version });
        latest.current.blob = { id: made.id, version: made.version };
      }
    }
    if (current && error) {
      const landed = await landedUpdate(current.id, codeOf(error));
      if (landed) {
        // That update was stored: carry on from its version (the editor's text is saved next).
        setBlob({ id: landed.id, version: landed.version });
        latest.current.blob = { id: landed.id, version: landed.version };
        storedText.current = landed.text;
        saving.current = false;
        setState({ kind: 'unsaved' });
        return;
      }
      lost.current =
        codeOf(error) === 'NETWORK_ERROR'
          ? { id: current.id, version: current.version, data, text }
          : null;
    } else lost.current = null;
    saving.current = false;
    if (!error) {
      const changedMeanwhile =
        stale || JSON.stringify(latest.current.draft) !== JSON.stringify(text);
      if (!stale) storedText.current = text;
      if (!changedMeanwhile) saveDraft(bookId, latest.current.blob?.id ?? null, null);
      setState(changedMeanwhile ? { kind: 'unsaved' } : { kind: 'saved' });
      return;
    }
    const code = codeOf(error);
    if (code === 'VERSION_CONFLICT') setState({ kind: 'conflict' });
    else if (code === 'VALIDATION_FAILED') setState({ kind: 'invalid', issues: issuesOf(error) });
    else if (code === 'NETWORK_ERROR') setState({ kind: 'offline' });
    else if (code === 'UNAUTHENTICATED') {
      // Refused with a token already replaced (signed in again meanwhile): save again at once.
      setState({ kind: clientRef.current === startedWith ? 'signed-out' : 'unsaved' });
    } else setState({ kind: 'error', message: messageOf(error) });
  }

  /**
   * After an update's answer was lost, a VERSION_CONFLICT may be that very update, stored: the
   * version after it holding exactly its text. Then it is not another tab's write.
   */
  async function landedUpdate(
    id: string,
    code: string | undefined,
  ): Promise<{ id: string; version: number; text: Draft } | null> {
    const sent = lost.current;
    if (code !== 'VERSION_CONFLICT' || sent?.id !== id) return null;
    lost.current = null;
    const result = await clientRef.current
      .query(BlobDocument, { id }, { requestPolicy: 'network-only' })
      .toPromise();
    const found = result.data?.blob;
    if (!found || found.version !== sent.version + 1) return null;
    return sameData(found.data, sent.data) ? { id, version: found.version, text: sent.text } : null;
  }

  // Signed in again (a new client): what was refused is saved now.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new client retries.
  useEffect(() => {
    setState((s) => (s.kind === 'signed-out' ? { kind: 'unsaved' } : s));
  }, [client]);

  // The server could not be reached: the text stays unsaved (and in this browser) and is saved
  // when the connection is back, or tried again every few seconds meanwhile.
  const { online, reconnections } = useConnection();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of connection retries.
  useEffect(() => {
    if (state.kind !== 'offline') return;
    if (online) {
      setState({ kind: 'unsaved' });
      return;
    }
    const timer = setTimeout(() => setState({ kind: 'unsaved' }), RETRY_OFFLINE_MS);
    return () => clearTimeout(timer);
  }, [state.kind, online, reconnections]);

  // Save after each pause in typing (and again once a save finishes, if more was typed).
  // biome-ignore lint/correctness/useExhaustiveDependencies: save reads the latest text itself.
  useEffect(() => {
    if (state.kind !== 'unsaved') return;
    const timer = setTimeout(() => void save(), SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [draft, state.kind]);

  /** After a conflict: take the stored version, or keep this text and write it over that one. */
  async function resolve(keep: 'theirs' | 'mine'): Promise<void> {
    if (!blob) return;
    const result = await client
      .query(BlobDocument, { id: blob.id }, { requestPolicy: 'network-only' })
      .toPromise();
    const stored = result.data?.blob;
    if (!stored) {
      setState({
        kind: 'error',
        message: result.error ? messageOf(result.error) : 'the chapter is gone',
      });
      return;
    }
    setBlob({ id: stored.id, version: stored.version });
    latest.current.blob = { id: stored.id, version: stored.version };
    if (keep === 'mine') {
      setState({ kind: 'unsaved' });
      return;
    }
    const data = dataOf(stored, 'text-input-v2') ?? dataOf(stored, 'text-input-v1');
    const meta = (data?.metadata ?? {}) as { title?: string; style?: string };
    const theirs = {
      title: meta.title ?? '',
      style: meta.style ?? '',
      content: data?.content ?? '',
    };
    setDraft(theirs);
    latest.current.draft = theirs;
    storedText.current = theirs;
    saveDraft(bookId, stored.id, null);
    setState({ kind: 'saved' });
  }

  /** Saves an earlier version's text and style as a new version (the title and place stay). */
  function restore(version: VersionText): void {
    const next = { ...latest.current.draft, style: version.style, content: version.content };
    setDraft(next);
    latest.current.draft = next;
    saveDraft(bookId, blob?.id ?? null, next);
    if (state.kind === 'conflict') return;
    setState({ kind: 'unsaved' });
    void save();
  }

  const issues = state.kind === 'invalid' ? state.issues : [];
  const issueAt = (prefix: string) =>
    issues.filter((i) => i.path === prefix || i.path.startsWith(`${prefix}/`));
  const contentIssues = issues.filter(
    (i) => !i.path.startsWith('/metadata/title') && !i.path.startsWith('/metadata/style'),
  );

  return (
    <div className="split">
      <section className="pane passage" aria-labelledby={`${ids}-passage`}>
        <h2 id={`${ids}-passage`}>Passage</h2>
        <div className="fields">
          <label htmlFor={`${ids}-title`}>Chapter title</label>
          <input
            id={`${ids}-title`}
            value={draft.title}
            maxLength={200}
            placeholder={`Chapter ${number}`}
            onChange={(e) => edit({ title: e.target.value })}
          />
          <FieldIssues issues={issueAt('/metadata/title')} />
          <label htmlFor={`${ids}-style`}>Style</label>
          <select
            id={`${ids}-style`}
            value={draft.style}
            onChange={(e) => edit({ style: e.target.value })}
          >
            <option value="">Default</option>
            {STYLES.map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <label htmlFor={`${ids}-content`}>Passage text</label>
        <textarea
          id={`${ids}-content`}
          value={draft.content}
          rows={14}
          aria-invalid={contentIssues.length > 0 || undefined}
          aria-describedby={`${ids}-content-issues ${ids}-status`}
          placeholder="Write your passage here (at least 10 characters). It is saved as you type."
          onChange={(e) => edit({ content: e.target.value })}
        />
        <div id={`${ids}-content-issues`}>
          <FieldIssues issues={contentIssues} />
        </div>
        <SaveStatus
          id={`${ids}-status`}
          state={state}
          version={blob?.version}
          restored={initial.current.restored}
        />
        {state.kind === 'conflict' && (
          <div className="row">
            <button type="button" onClick={() => void resolve('theirs')}>
              Show the saved version
            </button>
            <button type="button" onClick={() => void resolve('mine')}>
              Save mine over it
            </button>
          </div>
        )}
        {blob && !historyOpen && (
          <button
            type="button"
            className="history-toggle"
            aria-expanded={false}
            onClick={() => setHistoryOpen(true)}
          >
            Version history
          </button>
        )}
        {blob && historyOpen && (
          <VersionHistory
            blobId={blob.id}
            version={blob.version}
            onRestore={restore}
            onClose={() => setHistoryOpen(false)}
          />
        )}
      </section>
      <ExpansionPane blobId={blob?.id ?? null} version={blob?.version ?? null} />
    </div>
  );
}

/** The same JSON value, whatever the order of object keys (the database may reorder them). */
/**
 * 128 random bits in hex: a create's idempotency key. (`crypto.randomUUID` exists only on HTTPS
 * and localhost; the Studio may be served over plain HTTP on a network.)
 */
function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function FieldIssues({ issues }: { issues: Issue[] }) {
  if (issues.length === 0) return null;
  return (
    <div role="alert">
      <ul className="field-error">
        {issues.map((i) => (
          <li key={`${i.path}:${i.message}`}>{i.message}</li>
        ))}
      </ul>
    </div>
  );
}

function SaveStatus({
  id,
  state,
  version,
  restored,
}: {
  id: string;
  state: SaveState;
  version: number | undefined;
  restored: boolean;
}) {
  let text: string;
  switch (state.kind) {
    case 'saved':
      text = version ? `Saved (version ${version})` : 'Not saved yet';
      break;
    case 'unsaved':
      text = restored && !version ? 'Unsaved text restored from this browser' : 'Unsaved changes';
      break;
    case 'saving':
      text = 'Saving…';
      break;
    case 'signed-out':
      text = 'Not saved yet: sign in again and it is saved (it is kept in this browser meanwhile)';
      break;
    case 'offline':
      text =
        'Not saved yet: the Studio API cannot be reached. Your text is kept in this browser and saved when the connection is back.';
      break;
    case 'invalid':
      text = 'Not saved: fix the issue shown above';
      break;
    case 'conflict':
      text =
        'Not saved: this chapter was changed elsewhere (another tab or device) since you opened it. Your text is still here: show the saved version (yours is discarded) or save yours over it.';
      break;
    case 'error':
      text = `Not saved: ${state.message}`;
      break;
  }
  return (
    <p
      id={id}
      className={`status ${state.kind}`}
      role={state.kind === 'conflict' || state.kind === 'error' ? 'alert' : 'status'}
    >
      {text}
    </p>
  );
}
