/**
 * pitch-builder: turns pitch-sections-v1 into a structured pitch-document-v1 and exports it as
 * Markdown, DOCX and PDF. With an LLM configured it polishes each section; without one it
 * assembles the sections as written and says so in the provenance.
 */
import { createHash } from 'node:crypto';
import { PermanentError, type Processor } from '../kit';
import type { Llm } from '../lib/llm';
import { assemblePitch } from './assemble';
import { EXTENSIONS, MEDIA_TYPES, PITCH_FORMATS, renderPitch } from './render';
import { PITCH_DOCUMENT_V1, PITCH_SECTIONS_V1, type PitchSections } from './schemas';

const POLISH_PROMPT =
  'You polish book pitches for literary agents. Rewrite the section you are given so it reads ' +
  'clearly and persuasively, keeping every fact, name and title. Answer with the section text only.';

/**
 * `llm` polishes the sections when given. `unpolishedNote` says why there is none (recorded in
 * the provenance's notes, which the Studio shows): no LLM configured, or only the demo one, whose
 * made-up text has no place in a pitch.
 */
export function pitchBuilder(
  llm: Llm | undefined,
  unpolishedNote = 'assembled as written: no LLM configured',
): Processor {
  return {
    definition: {
      id: 'pitch-builder',
      name: 'Pitch builder',
      version: '1.0.0',
      description: 'Builds a structured pitch document (Markdown, DOCX, PDF) from pitch sections.',
      inputSchemaIds: ['pitch-sections-v1'],
      outputSchemaIds: ['pitch-document-v1'],
      schemas: [
        {
          definition: PITCH_SECTIONS_V1,
          description: 'The sections of a book pitch, as the author writes them.',
        },
        { definition: PITCH_DOCUMENT_V1, description: 'A structured pitch document.' },
      ],
      subscribes: ['blob.created.pitch-sections-v1'],
      // Edited sections rebuild the pitch: the document follows what the writer last wrote.
      followsUpdates: true,
      emits: ['blob.created.pitch-document-v1', 'processor.completed.pitch-builder'],
      maxConcurrency: 4,
      maxAttempts: 4,
    },
    async handle(kit, input) {
      if (!input) throw new PermanentError('pitch-builder needs an input blob');
      const sections = input.data as PitchSections;
      const model = llm?.defaultModel;
      if (model) kit.setModel(model);
      const polish =
        llm && model
          ? (_key: string, heading: string, body: string) =>
              llm.stream(
                {
                  model,
                  system: POLISH_PROMPT,
                  user: `${heading}\n\n${body}`,
                  // A rewrite of about the same length: twice the section's tokens is plenty.
                  maxTokens: Math.ceil(body.length / 2) + 256,
                },
                (textDelta) => kit.progress({ textDelta }),
              )
          : undefined;
      const document = await assemblePitch(sections, polish);
      const exports = [];
      for (const format of PITCH_FORMATS) {
        const content = await renderPitch(document, format);
        const file = await kit.storeFile(
          `pitch.${EXTENSIONS[format]}`,
          MEDIA_TYPES[format],
          content,
        );
        exports.push({
          format,
          file_id: file.id,
          url: file.url,
          size: file.size,
          media_type: file.mediaType,
        });
      }
      await kit.derive({
        schemaId: 'pitch-document-v1',
        data: { ...document, exports },
        provenance: polish
          ? {
              model,
              promptHash: createHash('sha256').update(POLISH_PROMPT).digest('hex'),
              notes: 'sections polished by the LLM',
            }
          : { notes: unpolishedNote },
        last: true,
      });
    },
  };
}
