/**
 * One pitch: while the pitch builder works, its run's status and the text the model streams;
 * then the pitch-document-v1 it stored, section by section, with a plain statement of whether the
 * model polished it or it was kept as written (from the document's `polished` and its
 * provenance), and its Markdown, DOCX and PDF exports to download.
 */
import {
  dataOf,
  PitchDetailDocument,
  RetryRunDocument,
  type RunStatus,
  RunsDocument,
  RunUpdatedDocument,
  type RunUpdatedSubscription,
} from '@reyna-studio/sdk';
import { useEffect, useRef } from 'react';
import { useMutation, useQuery } from 'urql';
import { DownloadList } from './Downloads';
import { messageOf } from './errors';
import { type Delivery, useLiveSubscription } from './live';
import { followLink } from './router';

interface LiveBuild {
  runId: string;
  /** The subscription that delivered it: a new one starts with all the text so far. */
  subscription: number;
  status: RunStatus;
  error: string | null;
  text: string;
}

function follow(
  before: LiveBuild | undefined,
  event: RunUpdatedSubscription,
  delivery: Delivery,
): LiveBuild {
  const u = event.runUpdated;
  const same = before?.runId === u.runId && before.subscription === delivery.subscription;
  const delta = u.textDelta ?? '';
  return {
    runId: u.runId,
    subscription: delivery.subscription,
    status: u.status,
    error: u.error ?? null,
    text: same && !u.reset ? before.text + delta : delta,
  };
}

const FINISHED: RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** What the builder records about polishing (`polished`, and its provenance), said plainly. */
function polishStatement(
  polished: boolean,
  provenance: unknown,
): { said: string; note: string | null } {
  const p = (provenance ?? {}) as { model?: unknown; notes?: unknown };
  const note = typeof p.notes === 'string' && p.notes.trim() ? p.notes.trim() : null;
  if (polished) {
    const model = typeof p.model === 'string' ? ` “${p.model}”` : '';
    return {
      said: `Polished by the model${model}: each section below is the model's rewrite of what you wrote.`,
      note,
    };
  }
  return {
    said: 'Kept as written: no model polished this pitch; each section below is exactly what you wrote.',
    note,
  };
}

export function PitchDocumentView({ pitchId, onBuilt }: { pitchId: string; onBuilt: () => void }) {
  // Listening first, so the build's updates from now on are not missed.
  // After a drop it starts again (a cursor would resume one run only) and the pitch and its runs
  // are read anew.
  const liveBuild = useLiveSubscription(
    RunUpdatedDocument,
    { inputBlobId: pitchId },
    {
      resume: false,
      onStale: () => {
        refetch({ requestPolicy: 'network-only' });
        refetchRuns({ requestPolicy: 'network-only' });
      },
    },
    follow,
  );
  const [pitch, refetch] = useQuery({
    query: PitchDetailDocument,
    variables: { id: pitchId },
    requestPolicy: 'network-only',
  });
  // The builder's runs, for a build that ended before this page listened (a failure, say).
  const [runs, refetchRuns] = useQuery({
    query: RunsDocument,
    variables: { processorId: 'pitch-builder', first: 50 },
    requestPolicy: 'network-only',
  });
  const [retried, retryRun] = useMutation(RetryRunDocument);

  const documents = (pitch.data?.blob?.derived ?? []).filter(
    (d) => d.schemaId === 'pitch-document-v1',
  );
  const newest = documents.at(-1);
  const doc = newest ? dataOf(newest, 'pitch-document-v1') : undefined;
  const storedRun = runs.data?.runs.edges.map((e) => e.node).find((r) => r.inputBlobId === pitchId);
  const status = liveBuild?.status ?? storedRun?.status ?? 'QUEUED';
  const error = liveBuild?.error ?? storedRun?.error ?? null;
  const runId = liveBuild?.runId ?? storedRun?.id ?? null;

  // The stored document once the run ends; asked now and then meanwhile too: the build starts
  // with the pitch, before this page listens, so its end may come before the subscription does.
  const told = useRef(false);
  useEffect(() => {
    if (FINISHED.includes(status)) refetch({ requestPolicy: 'network-only' });
  }, [status, refetch]);
  useEffect(() => {
    if (doc && !told.current) {
      told.current = true;
      onBuilt();
    }
  }, [doc, onBuilt]);
  const waiting = !doc && !FINISHED.includes(status) && !pitch.error;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => {
      refetch({ requestPolicy: 'network-only' });
      refetchRuns({ requestPolicy: 'network-only' });
    }, 3000);
    return () => clearInterval(timer);
  }, [waiting, refetch, refetchRuns]);

  if (pitch.fetching && !pitch.data) return <p role="status">Loading the pitch…</p>;
  if (pitch.error) {
    return (
      <div role="alert" className="notice error">
        <p>This pitch could not be loaded: {messageOf(pitch.error)}</p>
        <button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Try again
        </button>
      </div>
    );
  }
  if (!pitch.data?.blob || pitch.data.blob.schemaId !== 'pitch-sections-v1') {
    return (
      <div role="alert" className="notice">
        <p>There is no such pitch among yours.</p>
        <a href="/pitches" onClick={(e) => followLink(e, '/pitches')}>
          Write a new pitch
        </a>
      </div>
    );
  }
  const sections = dataOf(pitch.data.blob, 'pitch-sections-v1');

  if (!doc) {
    const failed = status === 'FAILED' || status === 'CANCELLED';
    return (
      <section className="card pitch-building" aria-labelledby="building-title">
        <h1 id="building-title">{sections?.title ?? 'Your pitch'}</h1>
        {failed ? (
          <div className="notice error" role="alert">
            <p>The pitch document could not be built{error ? ':' : '.'}</p>
            {error && <p className="build-error">{error}</p>}
            <p>Your sections are stored: try again when the cause is fixed.</p>
            {runId && (
              <button
                type="button"
                disabled={retried.fetching}
                onClick={async () => {
                  await retryRun({ id: runId });
                  refetchRuns({ requestPolicy: 'network-only' });
                }}
              >
                Try again
              </button>
            )}
            {retried.error && <p>The retry was refused: {messageOf(retried.error)}</p>}
          </div>
        ) : (
          <>
            <p role="status">
              {status === 'RUNNING'
                ? 'Building the pitch document: the model is polishing your sections…'
                : 'Waiting for the pitch builder…'}
            </p>
            <progress aria-label="Pitch build progress" />
            {liveBuild?.text && (
              <section className="streaming" aria-label="Polished text as it streams">
                <p className="live-label">Writing…</p>
                <p className="text">{liveBuild.text}</p>
              </section>
            )}
          </>
        )}
      </section>
    );
  }

  const title = doc.title;
  const statement = polishStatement(doc.polished, newest?.provenance);
  return (
    <article className="card pitch-doc" aria-labelledby="pitch-doc-title">
      <header>
        <h1 id="pitch-doc-title">{title}</h1>
        <p className="logline">{doc.logline}</p>
        {(doc.genre || doc.word_count !== undefined) && (
          <p className="hint">
            {[
              doc.genre,
              doc.word_count !== undefined && `${doc.word_count.toLocaleString('en')} words`,
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
        )}
      </header>
      <div className={`polish ${doc.polished ? 'polished' : 'as-written'}`} role="note">
        <p>{statement.said}</p>
        {statement.note && <p className="hint">The pitch builder's note: {statement.note}.</p>}
      </div>
      {doc.sections.map((s) => (
        <section key={s.key} className="pitch-section" aria-labelledby={`pitch-${s.key}`}>
          <h2 id={`pitch-${s.key}`}>{s.heading}</h2>
          <p className="text">{s.body}</p>
        </section>
      ))}
      <section className="pitch-exports" aria-labelledby="pitch-exports-title">
        <h2 id="pitch-exports-title">Exports</h2>
        {doc.exports?.length ? (
          <DownloadList files={doc.exports} context={`the pitch “${title}”`} />
        ) : (
          <p className="empty">This document has no exported files.</p>
        )}
      </section>
    </article>
  );
}
