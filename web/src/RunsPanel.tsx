/**
 * The runs panel: the user's processor runs, newest first, with their status, attempts and
 * errors as they change (`runUpdated`), filtered by status, a page at a time; a failed or
 * cancelled run can be retried and a queued or running one cancelled. A refusal is shown at
 * its run.
 */
import {
  CancelRunDocument,
  RetryRunDocument,
  RunDocument,
  RunListDocument,
  type RunListQuery,
  type RunStatus,
  RunUpdatedDocument,
  type RunUpdatedSubscription,
} from '@reyna-studio/sdk';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from 'urql';
import { messageOf } from './errors';
import { useLiveSubscription } from './live';
import { chapterPath, followLink } from './router';
import './runs.css';

type Run = RunListQuery['runs']['edges'][number]['node'];
/**
 * A run as the server answered, and when the request that brought it was sent: the answer is
 * at least as new as that moment, so a live update received after it wins, and an answer to an
 * older request never replaces it (answers can arrive out of order).
 */
type Row = Run & { at: number };
type Live = Record<
  string,
  { status: RunStatus; attempts: number; error: string | null; at: number }
>;

const PAGE = 20;
const STATUSES: RunStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const LABEL: Record<RunStatus, string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/** Keeps each run's latest status; the same object back when a delivery changes nothing. */
function follow(previous: Live | undefined, data: RunUpdatedSubscription): Live {
  const u = data.runUpdated;
  const held = previous?.[u.runId];
  const error = u.error ?? null;
  if (held && held.status === u.status && held.attempts === u.attempts && held.error === error)
    return previous!;
  return {
    ...previous,
    [u.runId]: { status: u.status, attempts: u.attempts, error, at: performance.now() },
  };
}

/**
 * Runs `task` one at a time: a call while it runs asks for one more run once it is done. urql
 * hands a request the answer of an identical one still in flight, and that answer may have been
 * read before what the second request was made for.
 */
function oneAtATime(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await task();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}

export function RunsPanel() {
  const client = useClient();
  const [status, setStatus] = useState<RunStatus | ''>('');
  const [runs, setRuns] = useState<Row[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [refusals, setRefusals] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const filter = useRef(status);
  filter.current = status;

  /** The first page again (a new filter, a run not yet listed, or back from offline). */
  const load = useCallback(async () => {
    const asked = filter.current;
    setLoading(true);
    const at = performance.now();
    const result = await client
      .query(
        RunListDocument,
        { first: PAGE, ...(asked ? { status: asked } : {}) },
        { requestPolicy: 'network-only' },
      )
      .toPromise();
    if (filter.current !== asked) return;
    setLoading(false);
    if (result.error || !result.data) {
      setLoadError(result.error ? messageOf(result.error) : 'no answer');
      return;
    }
    setLoadError(null);
    const fresh = result.data.runs.edges.map((e) => ({ ...e.node, at }));
    // A row read since this request was sent is newer than what it brought.
    setRuns((list) => {
      const held = new Map(list.map((r) => [r.id, r]));
      return fresh.map((r) => {
        const newer = held.get(r.id);
        return newer && newer.at > at ? newer : r;
      });
    });
    setNext(
      result.data.runs.pageInfo.hasNextPage ? (result.data.runs.pageInfo.endCursor ?? null) : null,
    );
  }, [client]);
  const reload = useMemo(() => oneAtATime(load), [load]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter reloads.
  useEffect(() => {
    setRuns([]);
    setNext(null);
    void reload();
  }, [status, reload]);

  async function loadMore(): Promise<void> {
    if (!next) return;
    setLoading(true);
    const at = performance.now();
    const result = await client
      .query(
        RunListDocument,
        { first: PAGE, after: next, ...(status ? { status } : {}) },
        { requestPolicy: 'network-only' },
      )
      .toPromise();
    setLoading(false);
    if (result.error || !result.data) {
      setLoadError(result.error ? messageOf(result.error) : 'no answer');
      return;
    }
    const page = result.data.runs;
    setRuns((list) => {
      const have = new Set(list.map((r) => r.id));
      return [
        ...list,
        ...page.edges.filter((e) => !have.has(e.node.id)).map((e) => ({ ...e.node, at })),
      ];
    });
    setNext(page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null);
  }

  // Every run of the user, live. A cursor would resume one run only, so after a drop the
  // subscription starts again and the list is read anew.
  const live = useLiveSubscription(
    RunUpdatedDocument,
    {},
    { resume: false, onStale: () => void reload() },
    follow,
  );

  /**
   * Takes what the server said of a run (a refetch, or a mutation's answer) in answer to a
   * request sent at `at`, unless the row holds an answer to a later request.
   */
  const patch = useCallback((fresh: Partial<Run> & { id: string }, at: number) => {
    setRuns((list) =>
      list.map((r) =>
        r.id === fresh.id && at > r.at
          ? {
              ...r,
              status: fresh.status ?? r.status,
              attempts: fresh.attempts ?? r.attempts,
              error: fresh.error,
              startedAt: fresh.startedAt,
              finishedAt: fresh.finishedAt,
              outputBlobId: fresh.outputBlobId,
              at,
            }
          : r,
      ),
    );
  }, []);

  // A run whose status changed live is read again (its start and end times), once per change: a
  // read sent after the live update is newer than it. A run not listed yet (just started)
  // brings the first page again, once.
  const asked = useRef(new Set<string>());
  /** Per run: its reader, and the live update it was last asked to read past. */
  const readers = useRef(new Map<string, { read: () => Promise<void>; past: number }>());
  const readerOf = useCallback(
    (id: string) => {
      let reader = readers.current.get(id);
      if (!reader) {
        const read = oneAtATime(async () => {
          const at = performance.now();
          const r = await client
            .query(RunDocument, { id }, { requestPolicy: 'network-only' })
            .toPromise();
          const fresh = r.data?.run;
          if (fresh) patch(fresh, at);
        });
        reader = { read, past: Number.NEGATIVE_INFINITY };
        readers.current.set(id, reader);
      }
      return reader;
    },
    [client, patch],
  );
  useEffect(() => {
    if (!live) return;
    const listed = new Map(runs.map((r) => [r.id, r]));
    let unknown = false;
    for (const [id, now] of Object.entries(live)) {
      const row = listed.get(id);
      if (!row) {
        if (!asked.current.has(id)) unknown = true;
        asked.current.add(id);
        continue;
      }
      if (row.status === now.status || now.at < row.at) continue;
      const reader = readerOf(id);
      if (reader.past >= now.at) continue;
      reader.past = now.at;
      void reader.read();
    }
    if (unknown) void reload();
  }, [live, runs, reload, readerOf]);

  async function act(run: Run, action: 'retry' | 'cancel'): Promise<void> {
    setBusy((b) => ({ ...b, [run.id]: true }));
    setRefusals(({ [run.id]: _, ...rest }) => rest);
    const at = performance.now();
    const result =
      action === 'retry'
        ? await client.mutation(RetryRunDocument, { id: run.id }).toPromise()
        : await client.mutation(CancelRunDocument, { id: run.id }).toPromise();
    setBusy(({ [run.id]: _, ...rest }) => rest);
    if (result.error) {
      const refused = result.error;
      // The row already names the run: "Run "<id>" is ..." reads "This run is ...".
      const message = messageOf(refused).replace(/^Run "[^"]+"/, 'This run');
      setRefusals((r) => ({ ...r, [run.id]: message }));
      return;
    }
    const data = result.data as
      | { retryRun?: Partial<Run> & { id: string }; cancelRun?: Partial<Run> & { id: string } }
      | undefined;
    const fresh = data?.retryRun ?? data?.cancelRun;
    if (fresh) patch(fresh, at);
  }

  return (
    <section className="runs" aria-labelledby="runs-title">
      <div className="runs-head">
        <h1 id="runs-title">Runs</h1>
        <label htmlFor="runs-status">Status</label>
        <select
          id="runs-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as RunStatus | '')}
        >
          <option value="">All</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      {loadError && (
        <div role="alert" className="notice error">
          <p>The runs could not be loaded: {loadError}</p>
          <button type="button" onClick={() => void reload()}>
            Try again
          </button>
        </div>
      )}
      {loading && runs.length === 0 && <p role="status">Loading your runs…</p>}
      {!loading && !loadError && runs.length === 0 && (
        <p className="empty">
          {status
            ? `No ${LABEL[status].toLowerCase()} runs.`
            : 'No runs yet: they start when you write a passage or compile a book.'}
        </p>
      )}
      <ul className="run-list" aria-label="Your runs">
        {runs.map((run) => {
          const now = live?.[run.id];
          const newer = now && now.at > run.at;
          const shown: Run = newer
            ? { ...run, status: now.status, attempts: now.attempts, error: now.error }
            : run;
          return (
            <li key={run.id}>
              <RunItem
                run={shown}
                busy={busy[run.id] ?? false}
                refusal={refusals[run.id] ?? null}
                onAct={(action) => void act(run, action)}
              />
            </li>
          );
        })}
      </ul>
      {next && (
        <button type="button" onClick={() => void loadMore()} disabled={loading}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}

const when = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—';

function RunItem({
  run,
  busy,
  refusal,
  onAct,
}: {
  run: Run;
  busy: boolean;
  refusal: string | null;
  onAct: (action: 'retry' | 'cancel') => void;
}) {
  const titleId = `run-${run.id}`;
  const canRetry = run.status === 'FAILED' || run.status === 'CANCELLED';
  const canCancel = run.status === 'QUEUED' || run.status === 'RUNNING';
  return (
    <article className="run" aria-labelledby={titleId}>
      <header className="run-title">
        <h2 id={titleId}>{run.processorId}</h2>
        <span className={`run-status ${run.status.toLowerCase()}`}>{LABEL[run.status]}</span>
      </header>
      <dl>
        <dt>Input</dt>
        <dd>
          {run.book && run.inputBlobId ? (
            <a
              href={chapterPath(run.book.id, run.inputBlobId)}
              onClick={(e) => followLink(e, chapterPath(run.book!.id, run.inputBlobId!))}
            >
              {`Passage${run.inputVersion ? ` (version ${run.inputVersion})` : ''} in “${run.book.title}”`}
            </a>
          ) : run.book ? (
            `“${run.book.title}”`
          ) : (
            (run.inputBlobId ?? '—')
          )}
        </dd>
        <dt>Attempts</dt>
        <dd>{run.attempts}</dd>
        <dt>Started</dt>
        <dd>{when(run.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{when(run.finishedAt)}</dd>
        {run.error && run.status !== 'SUCCEEDED' && (
          <>
            <dt>Error</dt>
            <dd className="run-error">{run.error}</dd>
          </>
        )}
      </dl>
      {(canRetry || canCancel) && (
        <div className="row">
          {canRetry && (
            <button type="button" disabled={busy} onClick={() => onAct('retry')}>
              Retry
            </button>
          )}
          {canCancel && (
            <button type="button" disabled={busy} onClick={() => onAct('cancel')}>
              Cancel
            </button>
          )}
        </div>
      )}
      {refusal && (
        <p className="field-error" role="alert">
          {refusal}
        </p>
      )}
    </article>
  );
}
