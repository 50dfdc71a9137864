// A worker thread does not inherit the TypeScript loader of the thread that starts it (tsx, or
// the test runner's): load the worker's module through tsx's scoped import instead.
import { tsImport } from 'tsx/esm/api';

await tsImport('./render-worker.ts', import.meta.url);
