/**
 * The worker thread of `SchemaInspector`: runs one inspection at a time and answers with its
 * result or its typed error. Started by `inspect-worker.mjs`.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors';
import { type InspectionRequest, runInspection } from './schema-inspection';
import { SchemaValidator } from './validator';

const validator = new SchemaValidator();
const port = parentPort!;

port.on('message', ({ id, request }: { id: number; request: InspectionRequest }) => {
  try {
    port.postMessage({ id, value: runInspection(validator, request) });
  } catch (error) {
    if (error instanceof AppError) {
      const { code, message, ...details } = error.toJSON();
      port.postMessage({ id, error: { code, message, details } });
    } else {
      port.postMessage({ id, error: { message: String((error as Error)?.message ?? error) } });
    }
  }
});
// Compile the meta-schemas and warm the code paths before taking work, so the first user's
// check is not charged for the worker's start.
for (const $schema of [
  'http://json-schema.org/draft-07/schema#',
  'https://json-schema.org/draft/2020-12/schema',
]) {
  runInspection(validator, {
    kind: 'inspect',
    definition: { $schema, type: 'object', properties: { a: { type: 'string', pattern: '^a' } } },
    examples: [{ a: 'a' }],
  });
}
port.postMessage({ ready: true });
