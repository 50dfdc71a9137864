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

const WRITE = `# Write a passage (a text-input-v1 blob): the
# text-expansion processor expands it 3-5x. Run the
# WatchExpansion tab first to see the text stream in.
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
    "schemaId": "text-input-v1",
    "data": {
      "content": "The ship sailed at dawn while the harbour slept.",
      "metadata": { "style": "creative" }
    }
  }
}
`;

const WATCH = `# Your expansions as the LLM writes them: each piece
# of text, then the end. Keep it running, then run
# WritePassage in the second tab.
subscription WatchExpansion {
  runUpdated(processorId: "text-expansion") {
    runId
    status
    textDelta
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
 * Runs before GraphiQL starts: when the server's development token differs from the one this
 * browser last saw, it replaces the Authorization header in GraphiQL's stored headers and in
 * every stored tab (other headers stay), so no tab keeps a token from an earlier start.
 */
function refreshTokenScript(token: string): string {
  const literal = (value: string) => JSON.stringify(value).replace(/</g, '\\u003c');
  return `<script>
(function () {
  var token = ${literal(token)};
  var seen = ${literal(TOKEN_STORAGE_KEY)};
  try {
    if (localStorage.getItem(seen) === token) return;
    var withToken = function (text) {
      var headers;
      try { headers = JSON.parse(text); } catch (e) { return null; }
      if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return null;
      var out = { Authorization: 'Bearer ' + token };
      Object.keys(headers).forEach(function (k) {
        if (k.toLowerCase() !== 'authorization') out[k] = headers[k];
      });
      return JSON.stringify(out, null, 2);
    };
    var stored = localStorage.getItem('graphiql:headers');
    if (stored) {
      var fixed = withToken(stored);
      if (fixed) localStorage.setItem('graphiql:headers', fixed);
      else localStorage.removeItem('graphiql:headers');
    }
    var state = JSON.parse(localStorage.getItem('graphiql:tabState') || 'null');
    if (state && Array.isArray(state.tabs)) {
      state.tabs.forEach(function (tab) {
        // Headers GraphiQL cannot read fall back to the server's defaults (null).
        if (tab && typeof tab.headers === 'string' && tab.headers.trim()) tab.headers = withToken(tab.headers);
      });
      localStorage.setItem('graphiql:tabState', JSON.stringify(state));
    }
    localStorage.setItem(seen, token);
  } catch (e) {
    // Storage disabled: GraphiQL starts from the server's headers anyway.
  }
})();
</script>`;
}

/** GraphiQL's page, with the token refresh ahead of GraphiQL's own script when there is a token. */
export function renderStudioGraphiQL(options: GraphiQLOptions, token: string | undefined): string {
  const page = renderGraphiQL(options);
  if (!token) return page;
  const root = '<div id="root"></div>';
  return page.replace(root, () => `${root}\n${refreshTokenScript(token)}`);
}
