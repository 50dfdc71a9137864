/**
 * A passage's version history: every stored version (number, time, size, first words), one of
 * them open to read, and a button to restore it. Restoring does not rewrite history: the split
 * view saves that version's text as a new version (with `expectedVersion`, like any save).
 */
import { dataOf, PassageVersionsDocument } from '@reyna-studio/sdk';
import { useEffect, useId, useState } from 'react';
import { useQuery } from 'urql';
import './history.css';
import { messageOf } from './errors';

/** What a version holds that a restore brings back. */
export interface VersionText {
  version: number;
  title: string;
  style: string;
  content: string;
}

const firstWords = (text: string, count = 8) => {
  const words = text.trim().split(/\s+/);
  return words.slice(0, count).join(' ') + (words.length > count ? ' …' : '');
};

const sizeOf = (bytes: number) =>
  bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;

const timeOf = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });

interface Entry {
  version: number;
  createdAt: string;
  size: number;
  title: string;
  style: string;
  chapter: number | null;
  content: string;
}

/**
 * What a version changed beside its text (the text itself shows in its first words), or which
 * earlier version's text it brings back (a restore).
 */
function changeOf(entry: Entry, earlier: Entry[]): string | null {
  const before = earlier.at(-1);
  if (!before) return null;
  if (before.content !== entry.content) {
    const same = earlier.find((e) => e.content === entry.content);
    return same ? `Text of version ${same.version}` : null;
  }
  const changes: string[] = [];
  if (before.title !== entry.title) changes.push('title changed');
  if (before.style !== entry.style) changes.push(`style: ${entry.style || 'default'}`);
  if (before.chapter !== entry.chapter && entry.chapter !== null)
    changes.push(`moved to chapter ${entry.chapter}`);
  return changes.length > 0 ? `Same text, ${changes.join(', ')}` : 'Same text';
}

export function VersionHistory({
  blobId,
  version,
  onRestore,
  onClose,
}: {
  blobId: string;
  /** The passage's current version: the list is read again when it changes. */
  version: number;
  onRestore: (text: VersionText) => void;
  onClose: () => void;
}) {
  const ids = useId();
  const [result, refetch] = useQuery({ query: PassageVersionsDocument, variables: { id: blobId } });
  const [selected, setSelected] = useState<number | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new version reads the list again.
  useEffect(() => {
    refetch({ requestPolicy: 'network-only' });
  }, [version]);

  const oldestFirst: Entry[] = (result.data?.blob?.versions ?? []).map((v) => {
    const data = dataOf(v, 'text-input-v2') ?? dataOf(v, 'text-input-v1');
    const meta = (data?.metadata ?? {}) as { title?: string; style?: string; chapter?: number };
    return {
      version: v.version,
      createdAt: String(v.createdAt),
      size: v.size,
      title: meta.title ?? '',
      style: meta.style ?? '',
      chapter: typeof meta.chapter === 'number' ? meta.chapter : null,
      content: data?.content ?? '',
    };
  });
  const changes = new Map(
    oldestFirst.map((v, i) => [v.version, changeOf(v, oldestFirst.slice(0, i))]),
  );
  const versions = [...oldestFirst].reverse();
  const current = versions[0]?.version ?? version;
  const open = versions.find((v) => v.version === (selected ?? current)) ?? null;

  return (
    <section className="history" aria-labelledby={`${ids}-title`}>
      <div className="history-head">
        <h3 id={`${ids}-title`}>Version history</h3>
        <button type="button" onClick={onClose}>
          Close history
        </button>
      </div>
      {result.fetching && !result.data && <p role="status">Loading the versions…</p>}
      {result.error && (
        <p role="alert" className="notice error">
          The versions could not be loaded: {messageOf(result.error)}
        </p>
      )}
      {versions.length > 0 && (
        <div className="history-body">
          <ul className="versions" aria-label="Versions, newest first">
            {versions.map((v) => (
              <li key={v.version}>
                <button
                  type="button"
                  aria-pressed={v.version === open?.version}
                  onClick={() => setSelected(v.version)}
                >
                  <span className="v-head">
                    <strong>Version {v.version}</strong>
                    {v.version === current && <span className="badge">current</span>}
                  </span>
                  <span className="v-meta">
                    {timeOf(v.createdAt)} · {sizeOf(v.size)}
                  </span>
                  <span className="v-words">{firstWords(v.content) || '(empty)'}</span>
                  {changes.get(v.version) && (
                    <span className="v-change">{changes.get(v.version)}</span>
                  )}
                </button>
              </li>
            ))}
          </ul>
          {open && (
            <article className="version-text" aria-label={`Version ${open.version}`}>
              <p className="v-meta">
                Version {open.version}
                {open.title ? ` · “${open.title}”` : ''}
                {open.style ? ` · ${open.style}` : ''}
              </p>
              <p className="text">{open.content}</p>
              {open.version !== current ? (
                <>
                  <button type="button" className="primary" onClick={() => onRestore(open)}>
                    Restore version {open.version}
                  </button>
                  <p className="v-meta restore-note">
                    Saves its text and style as a new version; the title and the chapter’s place
                    stay as they are.
                  </p>
                </>
              ) : (
                <p className="status">This is the current version.</p>
              )}
            </article>
          )}
        </div>
      )}
    </section>
  );
}
