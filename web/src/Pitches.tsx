/**
 * The Pitch Creator: your pitches beside either the form for a new one or the pitch document the
 * builder made from the one open (section by section, polished or as written, with its exports).
 */
import { dataOf, PitchesDocument } from '@reyna-studio/sdk';
import { useQuery } from 'urql';
import { messageOf } from './errors';
import { PitchDocumentView } from './PitchDocumentView';
import { PitchForm } from './PitchForm';
import { followLink, navigate, pitchPath } from './router';
import './pitch.css';

export function Pitches({ pitchId }: { pitchId: string | null }) {
  const [pitches, refetch] = useQuery({
    query: PitchesDocument,
    variables: { first: 100 },
    requestPolicy: 'cache-and-network',
  });
  const list = (pitches.data?.blobs.edges ?? []).map((e) => e.node);
  return (
    <div className="pitches">
      <nav className="pitch-list" aria-label="Your pitches">
        <h1>Your pitches</h1>
        <a
          href="/pitches"
          className="new-pitch"
          aria-current={pitchId === null ? 'page' : undefined}
          onClick={(e) => followLink(e, '/pitches')}
        >
          + New pitch
        </a>
        {pitches.fetching && !pitches.data && <p role="status">Loading your pitches…</p>}
        {pitches.error && (
          <div role="alert" className="notice error">
            <p>Your pitches could not be loaded: {messageOf(pitches.error)}</p>
            <button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>
              Try again
            </button>
          </div>
        )}
        {pitches.data && list.length === 0 && <p className="empty">No pitches yet.</p>}
        <ul>
          {list.map((blob) => {
            const title = dataOf(blob, 'pitch-sections-v1')?.title ?? 'Untitled pitch';
            const built = blob.derived.some((d) => d.schemaId === 'pitch-document-v1');
            return (
              <li key={blob.id}>
                <a
                  href={pitchPath(blob.id)}
                  aria-current={blob.id === pitchId ? 'page' : undefined}
                  onClick={(e) => followLink(e, pitchPath(blob.id))}
                >
                  {title}
                </a>
                {!built && <span className="hint"> (no document yet)</span>}
              </li>
            );
          })}
        </ul>
      </nav>
      <section className="pitch-main" aria-label={pitchId ? 'Pitch document' : 'New pitch'}>
        {pitchId ? (
          <PitchDocumentView
            key={pitchId}
            pitchId={pitchId}
            onBuilt={() => refetch({ requestPolicy: 'network-only' })}
          />
        ) : (
          <PitchForm
            onCreated={(id) => {
              refetch({ requestPolicy: 'network-only' });
              navigate(pitchPath(id));
            }}
          />
        )}
      </section>
    </div>
  );
}
