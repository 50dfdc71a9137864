import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { assemblePitch } from '../processors/pitch-builder/assemble';
import {
  EXTENSIONS,
  MEDIA_TYPES,
  PITCH_FORMATS,
  renderPitch,
} from '../processors/pitch-builder/render';
import {
  PITCH_DOCUMENT_V1,
  PITCH_SECTIONS_V1,
  type PitchDocument,
  type PitchSections,
} from '../processors/pitch-builder/schemas';

function compile(schema: object) {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

const validSections = compile(PITCH_SECTIONS_V1);
const validDocument = compile(PITCH_DOCUMENT_V1);

/** The errors of validating `data`, as [instancePath, keyword] pairs. */
function failures(validate: ReturnType<typeof compile>, data: unknown) {
  expect(validate(data)).toBe(false);
  return (validate.errors ?? []).map((e: ErrorObject) => [e.instancePath, e.keyword]);
}

const FULL: PitchSections = {
  title: 'Хранительница маяка',
  logline: 'A lighthouse keeper discovers her lamp summons ships from other centuries.',
  synopsis: 'Maren tends the last manual lighthouse.\n\nOne night a galleon answers the light.',
  characters: [
    { name: 'Maren Holt', description: 'The keeper, stubborn and curious.' },
    { name: 'Ζωή' },
  ],
  comparable_titles: [
    { title: 'The Night Circus', author: 'Erin Morgenstern', year: 2011, note: 'Atmosphere.' },
    { title: 'Piranesi' },
  ],
  market: 'Adult speculative fiction readers.',
  author_bio: 'The author grew up on the coast.',
  genre: 'Speculative fiction',
  word_count: 92000,
  book_id: 'book-1',
};

describe('pitch-builder schemas', () => {
  it('are draft-07 schemas with ids and examples that validate', () => {
    for (const [schema, validate] of [
      [PITCH_SECTIONS_V1, validSections],
      [PITCH_DOCUMENT_V1, validDocument],
    ] as const) {
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema.$id).not.toContain('.');
      expect(schema.examples.length).toBeGreaterThan(0);
      for (const example of schema.examples) expect(validate(example)).toBe(true);
    }
    expect(PITCH_SECTIONS_V1.$id).toBe('pitch-sections-v1');
    expect(PITCH_DOCUMENT_V1.$id).toBe('pitch-document-v1');
  });

  it('accepts a full pitch and a minimal one', () => {
    expect(validSections(FULL)).toBe(true);
    expect(validSections({ title: 'Short title!', logline: 'Ten chars.' })).toBe(true);
  });

  it('refuses bad pitch sections where they fail', () => {
    expect(failures(validSections, { title: 'T' })).toEqual([['', 'required']]);
    expect(validSections.errors?.[0]?.params).toEqual({ missingProperty: 'logline' });
    expect(failures(validSections, { ...FULL, tagline: 'x' })).toEqual([
      ['', 'additionalProperties'],
    ]);
    expect(failures(validSections, { ...FULL, title: '' })).toEqual([['/title', 'minLength']]);
    expect(failures(validSections, { ...FULL, logline: 'Too short' })).toEqual([
      ['/logline', 'minLength'],
    ]);
    expect(failures(validSections, { ...FULL, characters: [{ name: 'A', age: 3 }] })).toEqual([
      ['/characters/0', 'additionalProperties'],
    ]);
    expect(
      failures(validSections, { ...FULL, comparable_titles: [{ title: 'X', year: 20.5 }] }),
    ).toEqual([['/comparable_titles/0/year', 'type']]);
    expect(failures(validSections, { ...FULL, word_count: -1 })).toEqual([
      ['/word_count', 'minimum'],
    ]);
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `C${i}` }));
    expect(failures(validSections, { ...FULL, characters: many })).toEqual([
      ['/characters', 'maxItems'],
    ]);
  });

  it('refuses bad pitch documents where they fail', () => {
    const doc = PITCH_DOCUMENT_V1.examples[0];
    expect(failures(validDocument, { ...doc, sections: [] })).toEqual([['/sections', 'minItems']]);
    expect(failures(validDocument, { ...doc, formats: [] })).toEqual([
      ['', 'additionalProperties'],
    ]);
    const section = { key: 'blurb', heading: 'Blurb', body: 'x' };
    expect(failures(validDocument, { ...doc, sections: [section] })).toEqual([
      ['/sections/0/key', 'enum'],
    ]);
    const { polished: _, ...unflagged } = doc;
    expect(failures(validDocument, unflagged)).toEqual([['', 'required']]);
  });
});

describe('assemblePitch', () => {
  it('orders the sections and formats characters and comparable titles', async () => {
    const doc = await assemblePitch(FULL);
    expect(doc.polished).toBe(false);
    expect(doc.sections.map((s) => s.key)).toEqual([
      'logline',
      'synopsis',
      'characters',
      'comparable_titles',
      'market',
      'author_bio',
    ]);
    const body = (key: string) => doc.sections.find((s) => s.key === key)?.body;
    expect(body('logline')).toBe(FULL.logline);
    expect(body('synopsis')).toBe(FULL.synopsis);
    expect(body('characters')).toBe('Maren Holt — The keeper, stubborn and curious.\n\nΖωή');
    expect(body('comparable_titles')).toBe(
      'The Night Circus by Erin Morgenstern (2011): Atmosphere.\nPiranesi',
    );
    expect(doc).toMatchObject({ title: FULL.title, genre: FULL.genre, word_count: 92000 });
    expect(validDocument(doc)).toBe(true);
  });

  it('skips absent and blank sections', async () => {
    const doc = await assemblePitch({
      title: 'Spare',
      logline: 'Only a logline and a market.',
      market: 'Everyone.',
      synopsis: '   ',
      characters: [],
    });
    expect(doc.sections.map((s) => s.key)).toEqual(['logline', 'market']);
    expect(doc).not.toHaveProperty('genre');
    expect(validDocument(doc)).toBe(true);
  });

  it('polishes every section body with the given function', async () => {
    const calls: string[] = [];
    const polish = async (key: string, heading: string, body: string) => {
      calls.push(`${key}:${heading}`);
      return body.toUpperCase();
    };
    const doc = await assemblePitch(FULL, polish);
    expect(doc.polished).toBe(true);
    expect(calls).toEqual([
      'logline:Logline',
      'synopsis:Synopsis',
      'characters:Characters',
      'comparable_titles:Comparable titles',
      'market:Market',
      'author_bio:About the author',
    ]);
    expect(doc.sections[0]?.body).toBe(FULL.logline.toUpperCase());
    expect(doc.sections[2]?.body).toBe('MAREN HOLT — THE KEEPER, STUBBORN AND CURIOUS.\n\nΖΩΉ');
    expect(doc.logline).toBe(FULL.logline);
    expect(validDocument(doc)).toBe(true);
  });
});

describe('renderPitch', () => {
  const docPromise: Promise<PitchDocument> = assemblePitch({
    ...FULL,
    synopsis: '# Not a heading\nStill synopsis.\n\nВторой абзац.',
  });

  it('names a media type and an extension for each format', () => {
    expect(PITCH_FORMATS).toEqual(['markdown', 'docx', 'pdf']);
    for (const format of PITCH_FORMATS) {
      expect(MEDIA_TYPES[format]).toBeTruthy();
      expect(EXTENSIONS[format]).toBeTruthy();
    }
  });

  it('renders Markdown', async () => {
    const md = (await renderPitch(await docPromise, 'markdown')).toString('utf8');
    expect(md.startsWith(`# ${FULL.title}\n\n*${FULL.logline}*\n\n## Synopsis\n\n`)).toBe(true);
    expect(md).toContain('\n\\# Not a heading\nStill synopsis.\n\nВторой абзац.\n');
    expect(md).not.toContain('## Logline');
    expect(md).toContain('## Characters\n\nMaren Holt — The keeper, stubborn and curious.\n\nΖωή');
    expect(md).toContain('## Comparable titles\n\nThe Night Circus by Erin Morgenstern (2011)');
    expect(md).toContain('## About the author\n\nThe author grew up on the coast.\n');
  });

  it('renders DOCX with the headings and non-Latin text', async () => {
    const docx = await renderPitch(await docPromise, 'docx');
    const zip = await JSZip.loadAsync(docx);
    const xml = await zip.file('word/document.xml')?.async('string');
    expect(xml).toBeDefined();
    for (const text of ['Synopsis', 'Characters', 'Comparable titles', 'Market', FULL.title]) {
      expect(xml).toContain(text);
    }
    expect(xml).toContain('Второй абзац.');
    expect(xml).toContain('Ζωή');
    expect(xml).toContain('Heading1');
    const core = await zip.file('docProps/core.xml')?.async('string');
    expect(core).toContain(FULL.title);
  });

  it('renders PDF with DejaVu embedded', async () => {
    const pdf = await renderPitch({ ...(await docPromise), title: 'The Lantern Keeper' }, 'pdf');
    const bytes = pdf.toString('latin1');
    expect(bytes.startsWith('%PDF')).toBe(true);
    expect(bytes).toContain('/FontFile2');
    expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold\b/);
    // The Info dictionary's Title is an indirect string object.
    const titleRef = bytes.match(/\/Info (\d+) 0 R/) && bytes.match(/\/Title (\d+) 0 R/);
    expect(titleRef).not.toBeNull();
    expect(bytes).toContain(`\n${titleRef?.[1]} 0 obj\n(The Lantern Keeper)\nendobj`);
  });

  it('renders PDF in Chinese, Japanese and Korean, with text that extracts as written', async () => {
    const doc = await assemblePitch({
      ...FULL,
      title: '灯台守 등대지기',
      logline: '一个守灯人发现了海的秘密。',
      synopsis: '彼女は毎晩、灯りをともす。\n\n그녀는 매일 밤 등불을 켠다.',
    });
    const pdf = await renderPitch(doc, 'pdf');
    const bytes = pdf.toString('latin1');
    expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-Bold\b/);
    expect(bytes).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansKR-Regular\b/);
    const dir = await mkdtemp(join(tmpdir(), 'reyna-pitch-'));
    try {
      const file = join(dir, 'pitch.pdf');
      await writeFile(file, pdf);
      const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', file, '-']);
      const text = stdout.replace(/\s+/g, '');
      for (const part of [
        '灯台守등대지기',
        '一个守灯人发现了海的秘密。',
        '彼女は毎晩、灯りをともす。',
      ]) {
        expect(text).toContain(part);
      }
      expect(text).toContain('그녀는매일밤등불을켠다.');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown format', async () => {
    await expect(renderPitch(await docPromise, 'epub' as never)).rejects.toThrow(/Unknown/);
  });
});
