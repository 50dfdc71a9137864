/**
 * Compile and export a book: pick the formats, start the book compiler, watch its run's progress
 * events (status, fraction, message), then download each file under the name the server gives.
 * Earlier exports of the book are listed below, ready to download again.
 */
import {
  BlobsDocument,
  BookDocument,
  type BookFormat,
  CompileBookDocument,
  dataOf,
  RunDocument,
  type RunStatus,
  RunUpdatedDocument,
  type RunUpdatedSubscription,
} from '@reyna-studio/sdk';
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { DownloadList } from './Downloads';
import { messageOf } from './errors';
import { useLiveSubscription } from './live';
import { bookPath, followLink } from './router';
import './export.css';

const FORMATS: { id: BookFormat; label: string; hint: string }[] = [
  { id: 'EPUB', label: 'EPUB', hint: 'e-readers' },
  { id: 'PDF', label: 'PDF', hint: 'print and sharing' },
  { id: 'DOCX', label: 'DOCX', hint: 'Word, for editors' },
  { id: 'HTML', label: 'HTML', hint: 'one web page' },
  { id: 'MARKDOWN', label: 'Markdown', hint: 'plain text' },
];

/** The book's blobs that are chapters (a book holds its exports and pitches too). */
const CHAPTER_SCHEMAS = ['text-input-v1', 'text-input-v2'];

const FINISHED: RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const finished = (s: RunStatus | undefined) => s !== undefined && FINISHED.includes(s);

const STATUS_TEXT: Record<RunStatus, string> = {
  QUEUED: 'Waiting for the compiler',
  RUNNING: 'Compiling',
  SUCCEEDED: 'Compiled',
  FAILED: 'The compile failed',
  CANCELLED: 'The compile was cancelled',
};

/** What the progress events of one run said, as they came. */
interface LiveRun {
  status: RunStatus;
  attempts: number;
  error: string | null;
  fraction: number | null;
  message: string | null;
  steps: string[];
}

type LiveRuns = Record<string, LiveRun>;

function follow(runs: LiveRuns = {}, event: RunUpdatedSubscription): LiveRuns {
  const u = event.runUpdated;
  const before = runs[u.runId];
  const steps = before?.steps ?? [];
  return {
    ...runs,
    [u.runId]: {
      status: u.status,
      attempts: u.attempts,
      error: u.error ?? null,
      fraction: u.fraction ?? before?.fraction ?? null,
      message: u.message ?? before?.message ?? null,
      steps: u.message && steps.at(-1) !== u.message ? [...steps, u.message] : steps,
    },
  };
}

export function BookExport({ bookId }: { bookId: string }) {
  const [book, refetchBook] = useQuery({ query: BookDocument, variables: { id: bookId } });
  // Listening before anything is started, so no progress event of a new run is missed. After a
  // dropped connection the subscription starts again (a cursor would resume one run only) and the
  // stored run is read anew (`reread`), for what happened meanwhile.
  const [reread, setReread] = useState(0);
  const live = useLiveSubscription(
    RunUpdatedDocument,
    { processorId: 'book-compiler' },
    { resume: false, onStale: () => setReread((n) => n + 1) },
    follow,
  );
  const [chosen, setChosen] = useState<Set<BookFormat>>(new Set(['EPUB']));
  const [useOriginals, setUseOriginals] = useState(false);
  const [missingFormat, setMissingFormat] = useState(false);
  const [started, compile] = useMutation(CompileBookDocument);
  const [runId, setRunId] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);

  if (book.fetching && !book.data) return <p role="status">Loading the book…</p>;
  if (book.error || !book.data?.book) {
    return (
      <div role="alert" className="notice error">
        <p>
          {book.error
            ? `This book could not be loaded: ${messageOf(book.error)}`
            : 'There is no such book among yours.'}
        </p>
        {book.error ? (
          <button type="button" onClick={() => refetchBook({ requestPolicy: 'network-only' })}>
            Try again
          </button>
        ) : (
          <a href="/" onClick={(e) => followLink(e, '/')}>
            Back to your books
          </a>
        )}
      </div>
    );
  }
  const title = book.data.book.title;
  const chapterCount = book.data.book.chapters.filter((c) =>
    CHAPTER_SCHEMAS.includes(c.schemaId),
  ).length;

  const start = async () => {
    if (chosen.size === 0) {
      setMissingFormat(true);
      return;
    }
    const formats = FORMATS.map((f) => f.id).filter((f) => chosen.has(f));
    refetchBook({ requestPolicy: 'network-only' });
    const result = await compile({ bookId, formats, useOriginals });
    if (result.data) setRunId(result.data.compileBook.id);
  };

  return (
    <section className="export" aria-labelledby="export-title">
      <a className="back" href={bookPath(bookId)} onClick={(e) => followLink(e, bookPath(bookId))}>
        ← Back to “{title}”
      </a>
      <h1 id="export-title">Compile and export “{title}”</h1>
      <p className="hint">
        {chapterCount === 1 ? '1 chapter' : `${chapterCount} chapters`}, in order. Each chapter's
        current expansion goes into the book, unless you choose the text as written.
      </p>
      <form
        className="card export-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <fieldset aria-describedby="formats-hint formats-error">
          <legend>
            Formats <span className="required">(at least one)</span>
          </legend>
          <div className="format-choices">
            {FORMATS.map((f) => (
              <label key={f.id} className="choice">
                <input
                  type="checkbox"
                  checked={chosen.has(f.id)}
                  aria-invalid={missingFormat || undefined}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(f.id);
                    else next.delete(f.id);
                    setChosen(next);
                    if (next.size > 0) setMissingFormat(false);
                  }}
                />
                {f.label} <span className="hint">({f.hint})</span>
              </label>
            ))}
          </div>
          <p id="formats-hint" className="hint">
            Each format becomes one file to download.
          </p>
          {missingFormat && (
            <p id="formats-error" className="field-error" role="alert">
              Pick at least one format to compile.
            </p>
          )}
        </fieldset>
        <label className="choice">
          <input
            type="checkbox"
            checked={useOriginals}
            onChange={(e) => setUseOriginals(e.target.checked)}
          />
          Use the chapters as written, not their expansions
        </label>
        <div className="row">
          <button type="submit" className="primary" disabled={started.fetching}>
            {started.fetching ? 'Starting…' : 'Compile'}
          </button>
        </div>
        {started.error && (
          <p className="field-error" role="alert">
            The compile could not start: {messageOf(started.error)}
          </p>
        )}
      </form>
      {runId && (
        <CompileRun
          key={runId}
          runId={runId}
          title={title}
          live={live?.[runId]}
          reread={reread}
          onRetry={() => void start()}
          retrying={started.fetching}
          onCompiled={(id) => {
            setShown(id);
            refetchBook({ requestPolicy: 'network-only' });
          }}
        />
      )}
      <EarlierExports bookId={bookId} title={title} hide={shown} />
    </section>
  );
}

/** One compile run: its progress while it runs, then its files, or its error and a retry. */
function CompileRun({
  runId,
  title,
  live,
  reread,
  onRetry,
  retrying,
  onCompiled,
}: {
  runId: string;
  title: string;
  live: LiveRun | undefined;
  /** Changes when the live events may have missed something (back after a drop). */
  reread: number;
  onRetry: () => void;
  retrying: boolean;
  /** Hears the compiled-book-v1 blob's id once the run has made it. */
  onCompiled: (blobId: string) => void;
}) {
  const [stored, refetch] = useQuery({
    query: RunDocument,
    variables: { id: runId },
    requestPolicy: 'network-only',
  });
  const storedStatus = stored.data?.run?.status;
  const status: RunStatus =
    (finished(storedStatus) ? storedStatus : live?.status) ?? storedStatus ?? 'QUEUED';

  // The stored run, with its output, once the events say it ended, and again when the connection
  // is back after a drop (an event may have been lost meanwhile).
  useEffect(() => {
    if (finished(live?.status) && !finished(storedStatus))
      refetch({ requestPolicy: 'network-only' });
  }, [live?.status, storedStatus, refetch]);
  const rereadSeen = useRef(reread);
  useEffect(() => {
    if (reread === rereadSeen.current) return;
    rereadSeen.current = reread;
    if (!finished(storedStatus)) refetch({ requestPolicy: 'network-only' });
  }, [reread, storedStatus, refetch]);

  const run = stored.data?.run;
  const outputId = run?.output?.id;
  // Told once per output (the callback is a new function on every render of the page).
  const toldRef = useRef<string | null>(null);
  const onCompiledRef = useRef(onCompiled);
  onCompiledRef.current = onCompiled;
  useEffect(() => {
    if (!outputId || toldRef.current === outputId) return;
    toldRef.current = outputId;
    onCompiledRef.current(outputId);
  }, [outputId]);
  const error = run?.error ?? live?.error ?? null;
  const compiled = run?.output ? dataOf(run.output, 'compiled-book-v1') : undefined;
  const fraction = status === 'SUCCEEDED' ? 1 : (live?.fraction ?? null);
  const showFinal = finished(status) && (status !== 'SUCCEEDED' || compiled);

  return (
    <section className="card compile-run" aria-labelledby="compile-title">
      <h2 id="compile-title">This compile</h2>
      <p className="compile-status" role="status">
        <strong>{STATUS_TEXT[status]}</strong>
        {!finished(status) && live?.message ? ` — ${live.message}` : ''}
        {(live?.attempts ?? run?.attempts ?? 0) > 1
          ? ` (attempt ${live?.attempts ?? run?.attempts})`
          : ''}
      </p>
      {(status === 'SUCCEEDED' || !finished(status)) && (
        <progress
          aria-label="Compile progress"
          max={1}
          value={fraction ?? undefined}
          aria-valuetext={fraction === null ? 'Not started' : `${Math.round(fraction * 100)}%`}
        />
      )}
      {live && live.steps.length > 0 && (
        <ol className="steps" aria-label="Compile steps">
          {live.steps.map((step) => (
            <li key={step}>{step.charAt(0).toUpperCase() + step.slice(1)}</li>
          ))}
        </ol>
      )}
      {stored.error && !run && (
        <p className="field-error" role="alert">
          The run could not be read: {messageOf(stored.error)}
        </p>
      )}
      {showFinal && status !== 'SUCCEEDED' && (
        <div className="notice error" role="alert">
          <p>
            {STATUS_TEXT[status]}
            {error ? `: ${error}` : '.'}
          </p>
          <button type="button" onClick={onRetry} disabled={retrying}>
            Try again
          </button>
        </div>
      )}
      {status === 'SUCCEEDED' && compiled && (
        <>
          <p>{summaryOf(compiled)}</p>
          <DownloadList files={compiled.formats} context={`“${title}”`} />
        </>
      )}
    </section>
  );
}

/** "2 chapters (1 expanded, 1 as written), 180 words." */
function summaryOf(compiled: { chapters: { source: string }[]; word_count: number }): string {
  const n = compiled.chapters.length;
  const expanded = compiled.chapters.filter((c) => c.source === 'expanded').length;
  const sources =
    expanded === n
      ? 'all expanded'
      : expanded === 0
        ? 'all as written'
        : `${expanded} expanded, ${n - expanded} as written`;
  return `${n === 1 ? '1 chapter' : `${n} chapters`} (${sources}), ${compiled.word_count.toLocaleString('en')} words.`;
}

/** The book's compiled-book-v1 blobs, newest first (the one just shown left out). */
function EarlierExports({
  bookId,
  title,
  hide,
}: {
  bookId: string;
  title: string;
  hide: string | null;
}) {
  const [list, refetch] = useQuery({
    query: BlobsDocument,
    variables: { filter: { bookId, schemaId: 'compiled-book-v1' }, first: 10 },
    requestPolicy: 'network-only',
  });
  const exports = (list.data?.blobs.edges ?? []).map((e) => e.node).filter((b) => b.id !== hide);
  return (
    <section className="earlier" aria-labelledby="earlier-title">
      <h2 id="earlier-title">Earlier exports</h2>
      {list.fetching && !list.data && <p role="status">Loading earlier exports…</p>}
      {list.error && (
        <div role="alert" className="notice error">
          <p>Earlier exports could not be loaded: {messageOf(list.error)}</p>
          <button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>
            Try again
          </button>
        </div>
      )}
      {list.data && exports.length === 0 && <p className="empty">No earlier exports.</p>}
      <ul className="exports">
        {exports.map((blob) => {
          const data = dataOf(blob, 'compiled-book-v1');
          if (!data) return null;
          const when = new Date(blob.createdAt).toLocaleString('en-GB', {
            dateStyle: 'medium',
            timeStyle: 'short',
          });
          return (
            <li key={blob.id} className="card">
              <article aria-label={`Export of ${when}`}>
                <h3>{when}</h3>
                <p className="hint">{summaryOf(data)}</p>
                <DownloadList files={data.formats} context={`“${title}” of ${when}`} />
              </article>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
