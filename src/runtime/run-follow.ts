/**
 * The API's side of a run's live stream: what `runUpdated` delivers. A subscription first
 * listens live, then reads the runs it follows from the database and delivers each one's text so
 * far (or, resuming with a cursor, the text after it), then the live updates that follow, each
 * once and in order. An update that arrives with a gap before it (published before the
 * subscription listened, or dropped from a full buffer) is recovered from the run's row, which
 * the worker writes within STREAM_WRITE_MS, as one delivery carrying the missing text.
 *
 * Every delivery carries the run's whole text so far (`textSoFar`, within RUN_TEXT_LIMIT), the
 * text it adds (`textDelta`), its `sequence` and a `cursor`. `reset` is true when `textSoFar`
 * does not continue the text delivered before for that run (a new attempt started over, or
 * updates were lost beyond recovery); its `textDelta` is then the whole text, so a client that
 * selects only deltas keeps `text = reset ? textDelta : text + textDelta`.
 */
import type { LiveSubscription } from '../events/backbone';
import type { RunRepository } from './run-repository';
import type { ProcessorRun, RunMessage, RunUpdate } from './run-types';

export interface RunDelivery {
  update: RunUpdate;
  sequence: number;
  textSoFar: string;
  reset: boolean;
  cursor: string;
}

/** Where a subscriber is in a run's stream: passed back as `after` to continue from there. */
export interface RunCursor {
  runId: string;
  /** The sequence its text began at. */
  start: number;
  sequence: number;
  /** Characters of text the subscriber has. */
  length: number;
}

const CURSOR_KIND = 'run-stream';

export function encodeRunCursor(c: RunCursor): string {
  return Buffer.from(
    `${CURSOR_KIND}:${JSON.stringify([c.runId, c.start, c.sequence, c.length])}`,
  ).toString('base64url');
}

/** The cursor, or null when `text` is not one this API gave out. */
export function decodeRunCursor(text: string): RunCursor | null {
  try {
    const raw = Buffer.from(text, 'base64url').toString();
    if (!raw.startsWith(`${CURSOR_KIND}:`)) return null;
    const v: unknown = JSON.parse(raw.slice(CURSOR_KIND.length + 1));
    if (!Array.isArray(v) || v.length !== 4 || typeof v[0] !== 'string') return null;
    const [runId, start, sequence, length] = v as [string, unknown, unknown, unknown];
    const count = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
    if (!count(start) || !count(sequence) || !count(length)) return null;
    return { runId, start, sequence, length };
  } catch {
    return null;
  }
}

export interface RunFilter {
  runId: string | null;
  inputBlobId: string | null;
  processorId: string | null;
}

export interface FollowOptions {
  /** Runs brought up to date when the subscription starts without `runId`. Default 20. */
  activeRuns?: number;
  /** How long to wait for a run's row to catch up with a gap. Default 3 s. */
  catchUpMs?: number;
}

/** What the subscriber holds of one run. */
interface Held {
  start: number;
  seq: number;
  text: string;
}

/** Runs whose state a subscription keeps at once; the least recent is forgotten (and recovered). */
const MAX_HELD = 100;
/**
 * Statuses the worker writes after the run's last update: a row with one holds the whole stream.
 * Not `cancelled`: the API writes that, and the worker may stream on until it notices.
 */
const FINAL = new Set(['succeeded', 'failed']);
const POLL_MS = 50;

/** The text after a live update: `text` and its delta, as long as the worker says it is. */
const extend = (text: string, delta: string | undefined, length: number): string =>
  text.length >= length ? text.slice(0, length) : (text + (delta ?? '')).slice(0, length);

const updateOf = (r: ProcessorRun, textDelta: string | undefined): RunUpdate => ({
  runId: r.id,
  processorId: r.processorId,
  status: r.status,
  inputBlobId: r.inputBlobId,
  outputBlobId: r.outputBlobId,
  attempts: r.attempts,
  error: r.error,
  ...(textDelta ? { textDelta } : {}),
});

/**
 * Follows the user's runs matching `filter` over `live` (already listening), from `after` when
 * given (its run is `filter.runId`, checked by the caller). Closing the iterator closes `live`.
 */
export function followRuns(
  live: LiveSubscription,
  runs: RunRepository,
  userId: string,
  filter: RunFilter,
  after: RunCursor | null,
  options: FollowOptions = {},
): AsyncIterable<RunDelivery> {
  const held = new Map<string, Held>();
  const ready: RunDelivery[] = [];
  const catchUpMs = options.catchUpMs ?? 3000;

  const deliver = (update: RunUpdate, h: Held, reset: boolean): void => {
    // Kept after the run ends too: its last update may still arrive live after the row said so.
    held.delete(update.runId);
    held.set(update.runId, h);
    if (held.size > MAX_HELD) held.delete(held.keys().next().value!);
    ready.push({
      // A reset's delta is the whole text: `text = reset ? textDelta : text + textDelta`.
      update: reset ? { ...update, textDelta: h.text } : update,
      sequence: h.seq,
      textSoFar: h.text,
      reset,
      cursor: encodeRunCursor({
        runId: update.runId,
        start: h.start,
        sequence: h.seq,
        length: h.text.length,
      }),
    });
  };

  /** Delivers the row as the next state of its run: the text it adds, or all of it. */
  const fromRow = (row: ProcessorRun, before: Held | undefined): void => {
    const h = { start: row.streamStart, seq: row.streamSeq, text: row.textSoFar };
    const continues =
      before !== undefined && before.start === h.start && h.text.startsWith(before.text);
    const delta = continues ? h.text.slice(before.text.length) : h.text;
    deliver(updateOf(row, delta), h, !continues && before !== undefined && before.text !== '');
  };

  /** The run's row once it holds sequence `min` (or is final, or the wait is over). */
  const caughtUp = async (runId: string, min: number): Promise<ProcessorRun | null> => {
    const until = Date.now() + catchUpMs;
    for (;;) {
      const row = await runs.get(userId, runId);
      if (!row || row.streamSeq >= min || FINAL.has(row.status) || Date.now() >= until) return row;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };

  const start = async (): Promise<void> => {
    const rows = filter.runId
      ? [await runs.get(userId, filter.runId)].filter((r): r is ProcessorRun => r !== null)
      : await runs.active(userId, filter, options.activeRuns ?? 20);
    for (let row of rows.reverse()) {
      if (!after || after.runId !== row.id) {
        fromRow(row, undefined);
        continue;
      }
      // The subscriber may have seen updates the row does not hold yet.
      if (row.streamSeq < after.sequence) row = (await caughtUp(row.id, after.sequence)) ?? row;
      const same =
        row.streamStart === after.start &&
        row.streamSeq >= after.sequence &&
        after.length <= row.textSoFar.length;
      if (!same) {
        // Its text is not the one the cursor was in: start the subscriber over.
        const h = { start: row.streamStart, seq: row.streamSeq, text: row.textSoFar };
        deliver(updateOf(row, row.textSoFar), h, true);
        continue;
      }
      const before = {
        start: after.start,
        seq: after.sequence,
        text: row.textSoFar.slice(0, after.length),
      };
      if (row.streamSeq > after.sequence) fromRow(row, before);
      else held.set(row.id, before);
    }
  };

  const wanted = (m: RunMessage): boolean =>
    (!filter.runId || m.runId === filter.runId) &&
    (!filter.inputBlobId || m.inputBlobId === filter.inputBlobId) &&
    (!filter.processorId || m.processorId === filter.processorId);

  /** One live message: delivered, dropped as already delivered, or recovered from the row. */
  const receive = async (m: RunMessage, recovered = false): Promise<void> => {
    const before = held.get(m.runId);
    const { kind: _k, sequence, textStart, textLength, ...update } = m;
    if (before && sequence <= before.seq) return;
    if (before && textStart === before.start && sequence === before.seq + 1) {
      deliver(
        update,
        { start: textStart, seq: sequence, text: extend(before.text, m.textDelta, textLength) },
        false,
      );
      return;
    }
    const text = extend('', m.textDelta, textLength);
    if (sequence === textStart && textLength === text.length) {
      // A text starting here: nothing before it is needed.
      deliver(update, { start: textStart, seq: sequence, text }, (before?.text ?? '') !== '');
      return;
    }
    const row = recovered ? null : await caughtUp(m.runId, sequence - 1);
    if (row && row.streamSeq >= sequence - 1) {
      fromRow(row, before);
      if (row.streamSeq < sequence) await receive(m, true);
      return;
    }
    // Lost for good (the worker died, the database is away): carry on from this update.
    const h = {
      start: textStart,
      seq: sequence,
      text: row?.streamStart === textStart ? row.textSoFar : '',
    };
    deliver(update, h, true);
  };

  return {
    [Symbol.asyncIterator]() {
      const source = live[Symbol.asyncIterator]();
      let started = false;
      return {
        async next(): Promise<IteratorResult<RunDelivery>> {
          if (!started) {
            started = true;
            await start();
          }
          while (ready.length === 0) {
            const r = await source.next();
            if (r.done) return { value: undefined, done: true };
            const m = r.value as RunMessage;
            if (m?.kind !== 'run' || typeof m.sequence !== 'number' || !wanted(m)) continue;
            await receive(m);
          }
          return { value: ready.shift()!, done: false };
        },
        async return() {
          ready.length = 0;
          await live.close();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
