import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator: typed documents for the client SDK, from the committed SDL and the
 * operations in client-sdk/operations. Regenerate with `npm run sdk:generate`; a test fails when
 * the committed output in client-sdk/generated drifts from what this produces.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['client-sdk/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'client-sdk/generated/': {
      preset: 'client',
      presetConfig: {
        // Operation results carry fragment fields inline: easier for plain clients.
        fragmentMasking: false,
        // persisted-documents.json: sha256 hash -> operation text, the server's allowlist
        // (REYNA_PERSISTED_OPERATIONS). Each document also carries its hash in `__meta__.hash`,
        // so a client can send the hash instead of the text.
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: {
        useTypeImports: true,
        // Relative imports end in .js: the SDK package is built by tsc as native ES modules.
        importExtension: '.js',
        enumsAsTypes: true,
        scalars: {
          JSON: 'unknown',
          DateTime: 'string',
          SafeInt: 'number',
        },
      },
    },
  },
};

export default config;
