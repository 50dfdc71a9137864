import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProcessors } from '../processors/index';
import { consumersText, EventCatalog, type EventKind } from '../src/events/catalog';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** The README's "Event catalog" section, up to the next heading. */
const section = readme.slice(readme.indexOf('#### Event catalog')).split(/\n#{2,4} /)[0]!;

/** What a kind's details hold: each property, `?` marking the optional ones. */
function detailsText(kind: EventKind): string {
  const properties = Object.keys((kind.details.properties as object | undefined) ?? {});
  const required = (kind.details.required as string[] | undefined) ?? [];
  if (properties.length === 0) return 'none';
  return properties.map((p) => `\`${p}${required.includes(p) ? '' : '?'}\``).join(', ');
}

function envelopeText(kind: EventKind): string {
  const sets = kind.sets.join(', ') || 'none';
  return kind.may.length > 0 ? `${sets}; maybe ${kind.may.join(', ')}` : sets;
}

/** The table row a kind has in the README. */
function row(kind: EventKind): string {
  const consumers = consumersText(kind) + (kind.readBy ? `; ${kind.readBy}` : '');
  return `| \`${kind.name}\` | ${kind.description} | ${envelopeText(kind)} | ${detailsText(kind)} | ${kind.emittedBy} | ${consumers} |`;
}

describe('README events', () => {
  it('has one row per kind of the catalog the release ships, as the catalog describes it', () => {
    const catalog = new EventCatalog(createProcessors({}).map((p) => p.definition));
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows.join('\n')).toBe(catalog.kinds.map(row).join('\n'));
  });
});
