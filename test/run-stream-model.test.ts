/**
 * A run's model survives a slow write of the text it streamed. The row's text is written every
 * STREAM_WRITE_MS, each write after the one before; the statement that records the run's end
 * goes on a connection of its own. When it overtakes a queued write that carries the model, the
 * row then refuses that write (its sequence is behind), so the end must carry the model too. CI
 * once saw a run SUCCEEDED with model null this way. The real repository on the test's database;
 * only the wait before the queued write is added, as a slow connection would.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../src/events/event';
import { RunStream, STREAM_WRITE_MS } from '../src/runtime/run-stream';
import type { ProcessorRun } from '../src/runtime/run-types';
import { useHarness } from './support/harness';

const h = useHarness({ REYNA_PROCESSORS: 'all' });

async function startedRun(userId: string): Promise<ProcessorRun> {
  const runs = h().app.runs;
  const event: StudioEvent = {
    id: randomUUID(),
    type: 'blob.created.text-input-v1',
    userId,
    blobId: null,
    parentId: null,
    processorId: null,
    schemaId: 'text-input-v1',
    bookId: null,
    time: new Date().toISOString(),
  };
  const queued = await runs.ensure({
    key: `test/${randomUUID()}`,
    userId,
    processorId: 'text-expansion',
    processorVersion: '1',
    event,
    inputBlobId: null,
    inputVersion: null,
    bookId: null,
  });
  const run = await runs.start(queued.id);
  if (!run) throw new Error('run not started');
  return run;
}

const completed = (run: ProcessorRun): StudioEvent => ({
  id: randomUUID(),
  type: 'processor.completed.text-expansion',
  userId: run.userId,
  blobId: null,
  parentId: null,
  processorId: 'text-expansion',
  schemaId: null,
  bookId: null,
  time: new Date().toISOString(),
  details: { runId: run.id },
});

describe("a run's model", () => {
  it('is recorded by the run’s end when the write that carried it comes after', async () => {
    const userId = h().user();
    const run = await startedRun(userId);
    const runs = h().app.runs;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let queued = 0;
    // The same repository; its stream writes wait at the gate, as on a busy connection.
    const slow = Object.create(runs) as typeof runs;
    slow.saveStream = async (id, state) => {
      queued += 1;
      await gate;
      return runs.saveStream(id, state);
    };
    const stream = new RunStream(run, () => {}, slow, h().app.log, {
      newText: false,
      crashed: false,
      begun: true,
    });
    stream.setModel('model-a');
    stream.progress({ textDelta: 'Once upon a time' });
    await new Promise((r) => setTimeout(r, STREAM_WRITE_MS + 100));
    expect(queued).toBe(1);

    const done = await runs.succeed(run, completed(run), null, stream.closing());
    release();
    await stream.finish();
    expect(done).toMatchObject({ status: 'succeeded', model: 'model-a' });
    const { rows } = await sql<{ model: string | null; stream_text: string }>`
      select model, stream_text from processor_runs where id = ${run.id}`.execute(
      h().app.database.db,
    );
    expect(rows[0]).toEqual({ model: 'model-a', stream_text: 'Once upon a time' });
  });

  it('is not invented: a run that never named one ends with none', async () => {
    const run = await startedRun(h().user());
    const stream = new RunStream(run, () => {}, h().app.runs, h().app.log, {
      newText: false,
      crashed: false,
      begun: true,
    });
    stream.progress({ textDelta: 'text' });
    const done = await h().app.runs.succeed(run, completed(run), null, stream.closing());
    await stream.finish();
    expect(done).toMatchObject({ status: 'succeeded', model: null });
  });
});
