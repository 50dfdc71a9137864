/**
 * One event catalog: the outbox writes no event it does not know (a bug, refused before any
 * consumer sees it), the runtime starts no processor consuming a kind it lacks or keeps for
 * another, and the registry refuses event names it does not know, naming the nearest.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProcessorDocument } from '../client-sdk/index';
import type { Processor, ProcessorDefinition } from '../processors/kit';
import { createApp } from '../src/app';
import { EventCatalog, UncatalogedEventError } from '../src/events/catalog';
import type { StudioEvent } from '../src/events/event';
import { enqueue } from '../src/events/outbox';
import { sampleEvent } from './support/events';
import { useHarness } from './support/harness';

const h = useHarness();

function event(fields: Partial<StudioEvent>): StudioEvent {
  return sampleEvent(h().user(), 'blob.created.text-input-v1', fields);
}

async function outboxRows(eventId: string): Promise<number> {
  const rows = await h()
    .app.database.db.selectFrom('outbox')
    .select('event_id')
    .where('event_id', '=', eventId)
    .execute();
  return rows.length;
}

describe('the outbox', () => {
  it('writes an event that fits its kind', async () => {
    const ok = event({});
    await enqueue(h().app.database.db, h().app.catalog, ok);
    expect(await outboxRows(ok.id)).toBe(1);
  });

  it.each([
    [
      'an unknown kind',
      { type: 'blob.creatd.text-input-v1' },
      /not in the event catalog.*blob\.created\.text-input-v1/,
    ],
    [
      'a name whose schema is not the envelope’s',
      { type: 'blob.created.pitch-sections-v1' },
      /must carry schemaId/,
    ],
    ['a missing envelope field its kind sets', { blobId: null }, /must set blobId/],
    [
      'an envelope field its kind leaves null',
      {
        type: 'processor.completed.text-expansion',
        processorId: 'text-expansion',
        details: { runId: randomUUID() },
      },
      /must leave schemaId null/,
    ],
    [
      'details its kind does not take',
      { details: { version: 2 } },
      /details that do not fit blob.created/,
    ],
    ['an update without its version', { type: 'blob.updated.text-input-v1' }, /details.*version/],
    [
      'a run event without its run',
      {
        type: 'processor.completed.text-expansion',
        processorId: 'text-expansion',
        schemaId: null,
        details: { runId: 'r' },
      },
      /runId/,
    ],
  ] as [string, Partial<StudioEvent>, RegExp][])(
    'refuses %s and writes nothing',
    async (_name, fields, message) => {
      const bad = event(fields);
      const write = enqueue(h().app.database.db, h().app.catalog, bad);
      await expect(write).rejects.toBeInstanceOf(UncatalogedEventError);
      await expect(write).rejects.toThrow(message);
      expect(await outboxRows(bad.id)).toBe(0);
    },
  );

  it('knows the request kinds of the processors it runs', () => {
    expect(h().app.catalog.kindOf('book.compile.requested')?.consumers).toEqual({
      kind: 'requester',
      processorId: 'book-compiler',
    });
    expect(h().app.catalog.kindOf('book.burn.requested')).toBeNull();
  });
});

const base: ProcessorDefinition = {
  id: 'thief',
  name: 'Thief',
  version: '1.0.0',
  description: 'Consumes what is not its own.',
  inputSchemaIds: ['text-input-v1'],
  outputSchemaIds: [],
  subscribes: [],
  emits: [],
  maxConcurrency: 1,
};
const processor = (definition: Partial<ProcessorDefinition>): Processor => ({
  definition: { ...base, ...definition },
  handle: async () => {},
});

describe('the runtime', () => {
  it.each([
    [
      'another processor’s retries',
      ['processor.retry.text-expansion'],
      /not for processor "thief"/,
    ],
    ['a kind the catalog lacks', ['chapter.written.text-input-v1'], /not an event kind/],
    ['a pattern', ['blob.created.*'], /a pattern/],
  ])('refuses to start a processor consuming %s', async (_name, subscribes, message) => {
    const start = createApp(h().app.config, {
      database: h().testDb.database,
      processors: [processor({ subscribes })],
    });
    await expect(start).rejects.toThrow(/Processor "thief" cannot start/);
    await expect(start).rejects.toThrow(message);
  });

  it('refuses a request another processor consumes, or a request not named as one', () => {
    const compiler = processor({
      id: 'compiler',
      onRequest: { event: 'book.compile.requested', target: 'book', details: { type: 'object' } },
    });
    expect(
      () => new EventCatalog([compiler.definition, { ...compiler.definition, id: 'twin' }]),
    ).toThrow(/a kind taken/);
    expect(
      () =>
        new EventCatalog([
          processor({
            onRequest: {
              event: 'blob.created.requested',
              target: 'none',
              details: { type: 'object' },
            },
          }).definition,
        ]),
    ).toThrow(/a kind taken/);
    expect(
      () =>
        new EventCatalog([
          processor({
            onRequest: { event: 'book.compile.now', target: 'none', details: { type: 'object' } },
          }).definition,
        ]),
    ).toThrow(/<entity>.<action>.requested/);
    expect(
      () =>
        new EventCatalog([
          processor({
            onRequest: { event: 'a.b.requested', target: 'none', details: { type: 'array' } },
          }).definition,
        ]),
    ).toThrow(/type "object"/);
    expect(
      () =>
        new EventCatalog([
          processor({
            inputSchemaIds: [],
            onRequest: { event: 'a.b.requested', target: 'blob', details: { type: 'object' } },
          }).definition,
        ]),
    ).toThrow(/inputSchemaIds/);
  });
});

const REGISTER = `mutation($input: RegisterProcessorInput!) { registerProcessor(input: $input) { id subscribes emits } }`;
type Registered = { registerProcessor: { id: string; subscribes: string[]; emits: string[] } };

describe('registerProcessor', () => {
  const input = (id: string, events: { subscribes?: string[]; emits?: string[] }) => ({
    id,
    name: 'Listener',
    version: '1.0.0',
    inputSchemaIds: ['text-input-v1'],
    ...events,
  });

  it('accepts names and patterns of known kinds it may consume', async () => {
    const token = await h().token(h().user(), { roles: ['registry-author'] });
    const id = `listener-${randomUUID().slice(0, 8)}`;
    const events = {
      subscribes: ['blob.created.text-input-v1', 'blob.*.text-input-v1', 'processor.completed.*'],
      emits: ['blob.created.text-input-v1', `processor.completed.${id}`],
    };
    const r = await h().gql<Registered>(REGISTER, { input: input(id, events) }, token);
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerProcessor).toMatchObject(events);
  });

  it.each([
    [
      'a misspelt kind',
      { subscribes: ['blob.craeted.text-input-v1'] },
      'subscribes',
      'blob.created.text-input-v1',
    ],
    [
      'another processor’s request',
      { subscribes: ['book.compile.requested'] },
      'subscribes',
      undefined,
    ],
    ['another processor’s retries', { subscribes: ['processor.retry.*'] }, 'subscribes', undefined],
    [
      'an unknown kind it emits',
      { emits: ['processor.complete.x'] },
      'emits',
      'processor.completed.x',
    ],
  ])(
    'refuses %s with BAD_USER_INPUT and registers nothing',
    async (_name, events, field, suggestion) => {
      const token = await h().token(h().user(), { roles: ['registry-author'] });
      const id = `listener-${randomUUID().slice(0, 8)}`;
      const r = await h().gql<Registered>(REGISTER, { input: input(id, events) }, token);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(r.errors![0]!.extensions.suggestion).toBe(suggestion);
      const stored = await h().gql(ProcessorDocument, { id }, token);
      expect(stored.data!.processor).toBeNull();
    },
  );
});
