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
port.postMessage({ ready: true });
