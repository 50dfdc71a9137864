/**
 * A new pitch: the fields of pitch-sections-v1, each labelled (the required ones marked), with
 * characters and comparable titles added one by one, and an optional link to one of your books.
 * The server validates; each VALIDATION_FAILED issue appears under the field it concerns.
 */
import { BooksDocument, CreatePitchDocument } from '@reyna-studio/sdk';
import { type ReactNode, useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { codeOf, type Issue, issuesOf, messageOf } from './errors';

interface Character {
  name: string;
  description: string;
}

interface Comparable {
  title: string;
  author: string;
  year: string;
  note: string;
}

interface Draft {
  title: string;
  logline: string;
  genre: string;
  wordCount: string;
  synopsis: string;
  characters: Character[];
  comparables: Comparable[];
  market: string;
  authorBio: string;
  bookId: string;
}

const EMPTY: Draft = {
  title: '',
  logline: '',
  genre: '',
  wordCount: '',
  synopsis: '',
  characters: [],
  comparables: [],
  market: '',
  authorBio: '',
  bookId: '',
};

/** A number field's text as JSON: a number when it is one, else the text (the server says why). */
const numberOf = (text: string): number | string =>
  Number.isFinite(Number(text)) ? Number(text) : text;

/** The pitch-sections-v1 instance: blank optional fields left out, the rest as typed. */
function sectionsOf(d: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const text = (key: string, value: string) => {
    if (value.trim()) out[key] = value;
  };
  text('title', d.title);
  text('logline', d.logline);
  text('synopsis', d.synopsis);
  const characters = d.characters
    .filter((c) => c.name.trim() || c.description.trim())
    .map((c) => ({
      name: c.name,
      ...(c.description.trim() ? { description: c.description } : {}),
    }));
  if (characters.length) out.characters = characters;
  const comparables = d.comparables
    .filter((c) => c.title.trim() || c.author.trim() || c.year.trim() || c.note.trim())
    .map((c) => ({
      title: c.title,
      ...(c.author.trim() ? { author: c.author } : {}),
      ...(c.year.trim() ? { year: numberOf(c.year.trim()) } : {}),
      ...(c.note.trim() ? { note: c.note } : {}),
    }));
  if (comparables.length) out.comparable_titles = comparables;
  text('market', d.market);
  text('author_bio', d.authorBio);
  text('genre', d.genre);
  if (d.wordCount.trim()) out.word_count = numberOf(d.wordCount.trim());
  if (d.bookId) out.book_id = d.bookId;
  return out;
}

export function PitchForm({ onCreated }: { onCreated: (pitchId: string) => void }) {
  const ids = useId();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [created, createPitch] = useMutation(CreatePitchDocument);
  const [books] = useQuery({ query: BooksDocument, variables: { first: 100 } });
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const at = (path: string) => issues.filter((i) => i.path === path);
  const under = (path: string) => issues.filter((i) => i.path.startsWith(`${path}/`));
  // Issues no field shows (such as one about the whole pitch) are said above the button.
  const shown = (i: Issue) =>
    /^\/(title|logline|synopsis|genre|word_count|market|author_bio|book_id)$/.test(i.path) ||
    /^\/(characters|comparable_titles)(\/|$)/.test(i.path);
  const other = issues.filter((i) => !shown(i));
  const failure =
    created.error && codeOf(created.error) !== 'VALIDATION_FAILED'
      ? messageOf(created.error)
      : null;

  const field = (
    key: string,
    label: string,
    path: string,
    input: (props: {
      id: string;
      'aria-invalid': true | undefined;
      'aria-describedby': string;
      onInput: () => void;
    }) => ReactNode,
    options: { required?: boolean; hint?: string } = {},
  ) => {
    const id = `${ids}-${key}`;
    const found = at(path);
    return (
      <div className="field">
        <label htmlFor={id}>
          {label}
          {options.required ? <span className="required"> (required)</span> : null}
        </label>
        {input({
          id,
          'aria-invalid': found.length ? true : undefined,
          'aria-describedby': options.hint ? `${id}-hint ${id}-issues` : `${id}-issues`,
          // What the server said about a field holds until the writer changes it.
          onInput: () => {
            if (found.length) setIssues((all) => all.filter((i) => i.path !== path));
          },
        })}
        {options.hint && (
          <p id={`${id}-hint`} className="hint">
            {options.hint}
          </p>
        )}
        <FieldIssues id={`${id}-issues`} issues={found} label={label} />
      </div>
    );
  };

  return (
    <form
      className="card pitch-form"
      aria-labelledby={`${ids}-heading`}
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setIssues([]);
        const sections = sectionsOf(draft);
        const result = await createPitch({ sections, bookId: draft.bookId || null });
        if (result.data) {
          setDraft(EMPTY);
          onCreated(result.data.createBlob.id);
        } else if (codeOf(result.error) === 'VALIDATION_FAILED') {
          setIssues(issuesOf(result.error));
        }
      }}
    >
      <h1 id={`${ids}-heading`}>New pitch</h1>
      <p className="hint">
        Write each section as you would tell it. The pitch builder assembles them into a pitch
        document (polished by the model when one is configured) with Markdown, DOCX and PDF files.
      </p>
      {field(
        'title',
        'Book title',
        '/title',
        (p) => (
          <input
            {...p}
            aria-required="true"
            value={draft.title}
            onChange={(e) => set('title', e.target.value)}
          />
        ),
        { required: true },
      )}
      {field(
        'logline',
        'Logline',
        '/logline',
        (p) => (
          <textarea
            {...p}
            aria-required="true"
            rows={2}
            value={draft.logline}
            onChange={(e) => set('logline', e.target.value)}
          />
        ),
        {
          required: true,
          hint: 'One or two sentences: who wants what, and what stands in the way.',
        },
      )}
      <div className="field-pair">
        {field('genre', 'Genre', '/genre', (p) => (
          <input {...p} value={draft.genre} onChange={(e) => set('genre', e.target.value)} />
        ))}
        {field('word-count', 'Word count', '/word_count', (p) => (
          <input
            {...p}
            type="number"
            min={0}
            step={1}
            inputMode="numeric"
            value={draft.wordCount}
            onChange={(e) => set('wordCount', e.target.value)}
          />
        ))}
      </div>
      {field('synopsis', 'Synopsis', '/synopsis', (p) => (
        <textarea
          {...p}
          rows={5}
          value={draft.synopsis}
          onChange={(e) => set('synopsis', e.target.value)}
        />
      ))}

      <fieldset className="repeat" aria-describedby={`${ids}-characters-issues`}>
        <legend>Characters</legend>
        {draft.characters.length === 0 && <p className="empty">No characters added.</p>}
        {draft.characters.map((c, i) => {
          const n = i + 1;
          const update = (patch: Partial<Character>) =>
            set(
              'characters',
              draft.characters.map((x, j) => (j === i ? { ...x, ...patch } : x)),
            );
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <fieldset className="repeat-row" key={i}>
              <legend>Character {n}</legend>
              {field(`char-${i}-name`, `Character ${n} name`, `/characters/${i}/name`, (p) => (
                <input {...p} value={c.name} onChange={(e) => update({ name: e.target.value })} />
              ))}
              {field(
                `char-${i}-description`,
                `Character ${n} description`,
                `/characters/${i}/description`,
                (p) => (
                  <textarea
                    {...p}
                    rows={2}
                    value={c.description}
                    onChange={(e) => update({ description: e.target.value })}
                  />
                ),
              )}
              <FieldIssues id={`${ids}-char-${i}-row-issues`} issues={at(`/characters/${i}`)} />
              <button
                type="button"
                aria-label={`Remove character ${n}`}
                onClick={() =>
                  set(
                    'characters',
                    draft.characters.filter((_, j) => j !== i),
                  )
                }
              >
                Remove
              </button>
            </fieldset>
          );
        })}
        <FieldIssues
          id={`${ids}-characters-issues`}
          issues={at('/characters').concat(
            under('/characters').filter((i) => !/^\/characters\/\d+(\/|$)/.test(i.path)),
          )}
        />
        <button
          type="button"
          onClick={() => set('characters', [...draft.characters, { name: '', description: '' }])}
        >
          Add character
        </button>
      </fieldset>

      <fieldset className="repeat" aria-describedby={`${ids}-comparables-issues`}>
        <legend>Comparable titles</legend>
        {draft.comparables.length === 0 && <p className="empty">No comparable titles added.</p>}
        {draft.comparables.map((c, i) => {
          const n = i + 1;
          const update = (patch: Partial<Comparable>) =>
            set(
              'comparables',
              draft.comparables.map((x, j) => (j === i ? { ...x, ...patch } : x)),
            );
          const base = `/comparable_titles/${i}`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <fieldset className="repeat-row" key={i}>
              <legend>Comparable title {n}</legend>
              <div className="field-pair">
                {field(`comp-${i}-title`, `Comparable ${n} title`, `${base}/title`, (p) => (
                  <input
                    {...p}
                    value={c.title}
                    onChange={(e) => update({ title: e.target.value })}
                  />
                ))}
                {field(`comp-${i}-author`, `Comparable ${n} author`, `${base}/author`, (p) => (
                  <input
                    {...p}
                    value={c.author}
                    onChange={(e) => update({ author: e.target.value })}
                  />
                ))}
                {field(`comp-${i}-year`, `Comparable ${n} year`, `${base}/year`, (p) => (
                  <input
                    {...p}
                    inputMode="numeric"
                    value={c.year}
                    onChange={(e) => update({ year: e.target.value })}
                  />
                ))}
              </div>
              {field(`comp-${i}-note`, `Comparable ${n} note`, `${base}/note`, (p) => (
                <input {...p} value={c.note} onChange={(e) => update({ note: e.target.value })} />
              ))}
              <FieldIssues id={`${ids}-comp-${i}-row-issues`} issues={at(base)} />
              <button
                type="button"
                aria-label={`Remove comparable title ${n}`}
                onClick={() =>
                  set(
                    'comparables',
                    draft.comparables.filter((_, j) => j !== i),
                  )
                }
              >
                Remove
              </button>
            </fieldset>
          );
        })}
        <FieldIssues
          id={`${ids}-comparables-issues`}
          issues={at('/comparable_titles').concat(
            under('/comparable_titles').filter(
              (i) => !/^\/comparable_titles\/\d+(\/|$)/.test(i.path),
            ),
          )}
        />
        <button
          type="button"
          onClick={() =>
            set('comparables', [
              ...draft.comparables,
              { title: '', author: '', year: '', note: '' },
            ])
          }
        >
          Add comparable title
        </button>
      </fieldset>

      {field('market', 'Market', '/market', (p) => (
        <textarea
          {...p}
          rows={3}
          value={draft.market}
          onChange={(e) => set('market', e.target.value)}
        />
      ))}
      {field('author-bio', 'About the author', '/author_bio', (p) => (
        <textarea
          {...p}
          rows={3}
          value={draft.authorBio}
          onChange={(e) => set('authorBio', e.target.value)}
        />
      ))}
      {field(
        'book',
        'Book (optional)',
        '/book_id',
        (p) => (
          <select {...p} value={draft.bookId} onChange={(e) => set('bookId', e.target.value)}>
            <option value="">No book</option>
            {(books.data?.books.edges ?? []).map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.title}
              </option>
            ))}
          </select>
        ),
        {
          hint: books.error
            ? `Your books could not be loaded: ${messageOf(books.error)}`
            : 'Link the pitch to the book it sells.',
        },
      )}

      {other.length > 0 && (
        <div className="notice error" role="alert">
          <p>The pitch was not stored:</p>
          <ul>
            {other.map((i) => (
              <li key={`${i.path}:${i.message}`}>
                {i.path === '/' ? '' : `${i.path}: `}
                {i.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {issues.length > 0 && other.length === 0 && (
        <p className="field-error" role="alert">
          The pitch was not stored: see the fields marked above.
        </p>
      )}
      {failure && (
        <p className="field-error" role="alert">
          The pitch was not stored: {failure}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={created.fetching}>
          {created.fetching ? 'Storing…' : 'Build pitch'}
        </button>
      </div>
    </form>
  );
}

/** Ajv's "must have required property 'x'" said of the field x itself. */
const sayable = (message: string) =>
  /^must have required property/.test(message) ? 'is required' : message;

/** The server's issues about one field, each a sentence naming the field when it is known. */
function FieldIssues({ id, issues, label }: { id: string; issues: Issue[]; label?: string }) {
  return (
    <div id={id}>
      {issues.map((i) => (
        <p key={i.message} className="field-error" role="alert">
          {label ? `${label.replace(/ \(optional\)$/, '')} ${sayable(i.message)}.` : i.message}
        </p>
      ))}
    </div>
  );
}
