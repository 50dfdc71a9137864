// A worker thread does not inherit the TypeScript loader of the thread that starts it: load the
// worker's module through tsx's scoped import (as src/db/pglite-worker.mjs does).
import { tsImport } from 'tsx/esm/api';

await tsImport('./load-worker.ts', import.meta.url);
