/**
 * GraphiQL as a first lesson: it opens on three prepared tabs (your state, write a passage, watch
 * its expansion stream), carries the development token in its headers, and replaces a token the
 * browser kept from an earlier start with the one this server printed.
 */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';
import { GRAPHIQL_HEADER } from './persisted-operations';

/** Where the page records the development token it last filled in (beside GraphiQL's own keys). */
export const TOKEN_STORAGE_KEY = 'reyna:graphiql-token';

const ME = `# Your state: who you are, your blobs and their size.
# Run it with ▶ (Ctrl+Enter). The next two tabs write
# a passage and watch its expansion stream in.
query Me {
  me {
    userId
    blobCount
    totalSize
  }
}
`;

const WRITE = `# Write a passage (a text-input-v2 blob: a misspelt
# metadata key is refused): the text-expansion
# processor expands it 3-5x. To see the
# text stream in, run WatchExpansion first, in a second
# browser tab of this page (GraphiQL runs one at a time).
mutation WritePassage($input: CreateBlobInput!) {
  createBlob(input: $input) {
    id
    schemaId
    createdAt
  }
}
`;

const WRITE_VARIABLES = `{
  "input": {
    "schemaId": "text-input-v2",
    "data": {
      "content": "The ship sailed at dawn while the harbour slept.",
      "metadata": { "style": "creative", "title": "Dawn" }
    }
  }
}
`;

const WATCH = `# Your expansions as the LLM writes them: textSoFar is
# the whole text up to now. Run it in a second browser tab
# of this page and keep it running; run WritePassage in
# the first (GraphiQL runs one operation at a time).
subscription WatchExpansion {
  runUpdated(processorId: "text-expansion") {
    runId
    status
    sequence
    textSoFar
    outputBlobId
    error
  }
}
`;

/** Yoga's options, and `query`, which its GraphiQL reads though its type does not list it. */
export type StudioGraphiQLOptions = GraphiQLOptions & { query?: string };

/** The GraphiQL options: prepared tabs, and headers that carry `token` when there is one. */
export function graphiqlOptions(token: string | undefined): StudioGraphiQLOptions {
  // The marker header lets GraphiQL run ad-hoc operations in allowlist mode (development).
  const headers = JSON.stringify(
    { ...(token ? { Authorization: `Bearer ${token}` } : {}), [GRAPHIQL_HEADER]: '1' },
    null,
    2,
  );
  return {
    title: 'ReYNa Studio API',
    headers,
    // Yoga's GraphiQL puts `query` in the editor on opening (its own welcome text without it), so
    // it must be the first tab's, or the Me tab would show the welcome text.
    query: ME,
    defaultQuery: ME,
    // No headers of their own: a tab without them shows `headers`, this server's, and matches the
    // opening query again on reload (a tab with headers would not, and GraphiQL would add one).
    defaultTabs: [{ query: ME }, { query: WRITE, variables: WRITE_VARIABLES }, { query: WATCH }],
  };
}

/**
 * Runs before GraphiQL starts, on GraphiQL's stored state. When the server's development token
 * differs from the one this browser last saw, it replaces the Authorization header in every
 * stored tab (other headers stay), so no tab keeps a token from an earlier start. A tab whose
 * headers are the server's defaults is given none of its own again: it then follows the server's
 * headers, and GraphiQL, which matches the opening query to a tab by query, variables and
 * headers, finds the Me tab instead of adding one on each reload.
 */
function storedStateScript(token: string | undefined, headers: string): string {
  const literal = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
  return `<script>
(function () {
  var token = ${literal(token ?? null)};
  var defaults = JSON.parse(${literal(headers)});
  var seen = ${literal(TOKEN_STORAGE_KEY)};
  var parse = function (text) {
    try {
      var value = JSON.parse(text);
      return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
    } catch (e) {
      return null;
    }
  };
  var withToken = function (headers) {
    var out = { Authorization: 'Bearer ' + token };
    Object.keys(headers).forEach(function (k) {
      if (k.toLowerCase() !== 'authorization') out[k] = headers[k];
    });
    return out;
  };
  var same = function (a, b) {
    var keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(function (k) { return a[k] === b[k]; });
  };
  try {
    var replace = token !== null && localStorage.getItem(seen) !== token;
    // Copies of the last headers and variables editors: GraphiQL reads them only to match the
    // opening query to a tab (a mismatch adds a tab); each tab keeps its own. The variables copy
    // is the last tab's: closing on WritePassage made the next open add a second Me tab.
    localStorage.removeItem('graphiql:headers');
    localStorage.removeItem('graphiql:variables');
    var state = parse(localStorage.getItem('graphiql:tabState') || 'null');
    if (state && Array.isArray(state.tabs)) {
      state.tabs.forEach(function (tab) {
        if (!tab || typeof tab.headers !== 'string') return;
        var own = parse(tab.headers);
        // Headers GraphiQL cannot read fall back to the server's (null), as do the defaults.
        if (own && replace) own = withToken(own);
        tab.headers = own && !same(own, defaults) ? JSON.stringify(own, null, 2) : null;
      });
      localStorage.setItem('graphiql:tabState', JSON.stringify(state));
    }
    if (token !== null) localStorage.setItem(seen, token);
  } catch (e) {
    // Storage disabled: GraphiQL starts from the server's headers anyway.
  }
})();
</script>`;
}

/** GraphiQL's page, with the stored-state fix ahead of GraphiQL's own script. */
export function renderStudioGraphiQL(options: GraphiQLOptions): string {
  const page = renderGraphiQL(options);
  const token = /^Bearer (\S+)$/.exec(
    String((JSON.parse(options.headers ?? '{}') as Record<string, unknown>).Authorization ?? ''),
  )?.[1];
  const root = '<div id="root"></div>';
  return page.replace(root, () => `${root}\n${storedStateScript(token, options.headers ?? '{}')}`);
}
