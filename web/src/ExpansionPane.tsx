/**
 * The right pane: the expansion of the passage streaming in token by token (`runUpdated`), then
 * the stored `expanded-text-v1` blob with its metrics and provenance (`blobDerived` says when).
 * When the passage is edited, the new version's expansion streams in and replaces the stored one;
 * the earlier ones (superseded, kept) are listed under "Earlier expansions".
 */
import {
  BlobDerivedDocument,
  type BlobDerivedSubscription,
  dataOf,
  PassageDocument,
  PassageHistoryDocument,
  RunUpdatedDocument,
  type RunUpdatedSubscription,
} from '@reyna-studio/sdk';
import { useEffect } from 'react';
import { useQuery } from 'urql';
import { messageOf } from './errors';
import { type Delivery, useLiveSubscription } from './live';
import './history.css';

interface Stream {
  runId: string | null;
  status: string | null;
  text: string;
  error: string | null;
}

/** The runs of this passage as they stream, and the one shown (the newest). */
interface Streams {
  current: string;
  runs: Record<string, Stream & { subscription: number }>;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * `text = reset ? textDelta : text + textDelta` per run; a run's first delivery on a new
 * subscription carries its whole text so far, so it replaces what was held too. A run seen for
 * the first time is shown unless it already ended while another still streams.
 */
function followRuns(
  previous: Streams | undefined,
  data: RunUpdatedSubscription,
  { subscription }: Delivery,
): Streams {
  const u = data.runUpdated;
  const held = previous?.runs[u.runId];
  const continues = held && held.subscription === subscription && !u.reset;
  const run = {
    runId: u.runId,
    status: u.status,
    text: (continues ? held.text : '') + (u.textDelta ?? ''),
    error: u.error ?? null,
    subscription,
  };
  const shown = previous ? previous.runs[previous.current] : undefined;
  const switches =
    !shown || (!held && (!TERMINAL.has(u.status) || TERMINAL.has(shown.status ?? '')));
  return {
    current: switches ? u.runId : previous!.current,
    runs: { ...previous?.runs, [u.runId]: run },
  };
}

const lastDerived = (_: unknown, data: BlobDerivedSubscription) => data;

export function ExpansionPane({
  blobId,
  version,
}: {
  blobId: string | null;
  version: number | null;
}) {
  const paused = blobId === null;
  const [passage, refetch] = useQuery({
    query: PassageDocument,
    variables: { id: blobId ?? '' },
    pause: paused,
  });
  const [history, refetchHistory] = useQuery({
    query: PassageHistoryDocument,
    variables: { id: blobId ?? '' },
    pause: paused,
  });
  // Both resume from their last cursor after a dropped connection; a RESET or a reconnection
  // reads the stored blob again. A new version subscribes afresh to the runs (a resumed
  // `runUpdated` follows the run of its cursor only).
  const reread = () => {
    refetch({ requestPolicy: 'network-only' });
    refetchHistory({ requestPolicy: 'network-only' });
  };
  const streams = useLiveSubscription(
    RunUpdatedDocument,
    { processorId: 'text-expansion', inputBlobId: blobId },
    { pause: paused, restartKey: version ?? undefined, onStale: reread },
    followRuns,
  );
  const stream = { data: streams ? streams.runs[streams.current] : undefined };
  const derivedData = useLiveSubscription(
    BlobDerivedDocument,
    { parentId: blobId },
    { pause: paused, onStale: reread },
    lastDerived,
  );
  const derived = { data: derivedData };

  const status = stream.data?.status ?? null;
  const derivedId = derived.data?.blobDerived.derivedId ?? null;
  // The stored blob is read again when the run ends or a derived blob arrives.
  // biome-ignore lint/correctness/useExhaustiveDependencies: refetch is stable for this query.
  useEffect(() => {
    if (!paused && (derivedId || status === 'SUCCEEDED')) {
      refetch({ requestPolicy: 'network-only' });
      refetchHistory({ requestPolicy: 'network-only' });
    }
  }, [derivedId, status, paused]);
  // A new version of the passage: its stored text is read again (is the expansion still of it?).
  // biome-ignore lint/correctness/useExhaustiveDependencies: refetch is stable for this query.
  useEffect(() => {
    if (!paused && version !== null) refetch({ requestPolicy: 'network-only' });
  }, [version]);

  if (paused) {
    return (
      <section className="pane expansion" aria-labelledby="expansion-title">
        <h2 id="expansion-title">Expansion</h2>
        <p className="empty">The expansion appears here once the passage is saved.</p>
      </section>
    );
  }
  const expansions = (passage.data?.blob?.derived ?? []).filter(
    (b) => b.schemaId === 'expanded-text-v1',
  );
  const stored = expansions.at(-1);
  const storedData = dataOf(stored, 'expanded-text-v1');
  const provenance = (stored?.provenance ?? {}) as Record<string, unknown>;
  const passageData =
    dataOf(passage.data?.blob, 'text-input-v2') ?? dataOf(passage.data?.blob, 'text-input-v1');
  const earlier = (history.data?.blob?.derived ?? [])
    .filter((b) => b.schemaId === 'expanded-text-v1' && b.supersededBy)
    .reverse();
  const streaming = stream.data && (status === 'QUEUED' || status === 'RUNNING');
  const showStream = stream.data && (streaming || !storedData) && stream.data.text;

  return (
    <section className="pane expansion" aria-labelledby="expansion-title">
      <h2 id="expansion-title">Expansion</h2>
      {passage.error && (
        <p role="alert" className="notice error">
          {messageOf(passage.error)}
        </p>
      )}
      {status === 'FAILED' && (
        <p role="alert" className="notice error">
          The expansion failed: {stream.data?.error ?? 'no reason given'}
        </p>
      )}
      {streaming && !stream.data?.text && <p role="status">The model is starting…</p>}
      {showStream && (
        <section
          className="streaming"
          aria-label="Expansion as it streams"
          aria-busy={streaming || undefined}
        >
          <p className="live-label">{streaming ? 'Writing…' : 'Streamed text'}</p>
          <p className="text">{stream.data?.text}</p>
        </section>
      )}
      {!showStream && !storedData && !passage.fetching && (
        <p className="empty">No expansion yet: it starts when the passage is saved.</p>
      )}
      {storedData && stored && !streaming && (
        <article className="stored" aria-label="Stored expansion">
          <p className="text">{storedData.expanded}</p>
          <dl className="metrics">
            <dt>Ratio</dt>
            <dd>{storedData.expansion_ratio.toFixed(2)}×</dd>
            {storedData.metrics?.readability_score !== undefined && (
              <>
                <dt>Readability</dt>
                <dd>{storedData.metrics.readability_score.toFixed(1)}</dd>
              </>
            )}
            {storedData.metrics?.tone !== undefined && (
              <>
                <dt>Tone</dt>
                <dd>{storedData.metrics.tone}</dd>
              </>
            )}
            <dt>Model</dt>
            <dd>{String(provenance.model ?? 'unknown')}</dd>
            <dt>Processor</dt>
            <dd>
              {String(provenance.processorId ?? stored.processorId)}{' '}
              {provenance.processorVersion ? `v${String(provenance.processorVersion)}` : ''}
            </dd>
            <dt>Of passage version</dt>
            <dd>
              {String(provenance.inputVersion ?? '?')}
              {version !== null &&
              provenance.inputVersion !== undefined &&
              provenance.inputVersion !== version
                ? passageData && passageData.content === storedData.original
                  ? ` (same text in version ${version}, so not expanded again)`
                  : ` (the passage is now at version ${version})`
                : ''}
            </dd>
          </dl>
        </article>
      )}
      {earlier.length > 0 && (
        <details className="earlier">
          <summary>Earlier expansions ({earlier.length})</summary>
          <ol aria-label="Earlier expansions, newest first">
            {earlier.map((b) => {
              const p = (b.provenance ?? {}) as Record<string, unknown>;
              const text = dataOf(b, 'expanded-text-v1')?.expanded ?? '';
              return (
                <li key={b.id}>
                  <p className="v-meta">
                    Of passage version {String(p.inputVersion ?? '?')}{' '}
                    <span className="badge old">superseded</span>
                  </p>
                  <p className="text">{text.length > 280 ? `${text.slice(0, 280)} …` : text}</p>
                </li>
              );
            })}
          </ol>
        </details>
      )}
    </section>
  );
}
