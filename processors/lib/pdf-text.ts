/**
 * Text in any script for the processors' PDFs: DejaVu Sans first (Latin, Greek, Cyrillic), then
 * Noto Sans for the scripts it lacks (Chinese and Japanese through Noto Sans SC, Korean,
 * Devanagari, Thai). Text is cut into runs, each set in the first font of the chain that has its
 * glyphs; pdfkit embeds only the glyphs a document uses, so a Latin book stays as small as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);

/** fontkit (pdfkit's own font reader) is typed here for the one question asked of it. */
interface FontkitFont {
  hasGlyphForCodePoint(codePoint: number): boolean;
}
const fontkit = require('fontkit') as { create(buffer: Buffer): FontkitFont };

export type Weight = 'regular' | 'bold';

interface Face {
  /** The font's name in a PDF document, e.g. `noto-sc-bold`. */
  key: string;
  /** Package and file inside it, for each weight. */
  package: string;
  files: Record<Weight, string>;
}

const CHAIN: Face[] = [
  {
    key: 'dejavu',
    package: 'dejavu-fonts-ttf',
    files: { regular: 'ttf/DejaVuSans.ttf', bold: 'ttf/DejaVuSans-Bold.ttf' },
  },
  {
    key: 'noto-sc',
    package: '@embedpdf/fonts-sc',
    files: { regular: 'fonts/NotoSansHans-Regular.otf', bold: 'fonts/NotoSansHans-Bold.otf' },
  },
  {
    key: 'noto-kr',
    package: '@embedpdf/fonts-kr',
    files: { regular: 'fonts/NotoSansKR-Regular.otf', bold: 'fonts/NotoSansKR-Bold.otf' },
  },
  {
    key: 'noto-devanagari',
    package: '@expo-google-fonts/noto-sans-devanagari',
    files: {
      regular: '400Regular/NotoSansDevanagari_400Regular.ttf',
      bold: '700Bold/NotoSansDevanagari_700Bold.ttf',
    },
  },
  {
    key: 'noto-thai',
    package: '@expo-google-fonts/noto-sans-thai',
    files: {
      regular: '400Regular/NotoSansThai_400Regular.ttf',
      bold: '700Bold/NotoSansThai_700Bold.ttf',
    },
  },
];

/**
 * A package's folder: from its package.json, or, for packages whose `exports` hide it, by walking
 * up from the main entry.
 */
function packageRoot(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    // Falls through: the package's `exports` do not list package.json.
  }
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name)
      return dir;
    dir = dirname(dir);
  }
  throw new Error(`Cannot find the folder of the font package ${name}`);
}

/** The path of a face's file; throws naming the package when it is not installed. */
export function fontFile(face: Face, weight: Weight): string {
  try {
    return join(packageRoot(face.package), face.files[weight]);
  } catch (error) {
    throw new Error(
      `The PDF font package ${face.package} is missing (npm install): ${(error as Error).message}`,
    );
  }
}

/** The first font of the chain, regular: a document's default. */
export const primaryFontFile = () => fontFile(CHAIN[0]!, 'regular');

/** Font bytes and parsed fonts, read once per process and only when a character needs them. */
const loaded = new Map<string, { bytes: Buffer; font: FontkitFont }>();

function load(face: Face, weight: Weight) {
  const id = `${face.key}-${weight}`;
  let hit = loaded.get(id);
  if (!hit) {
    const bytes = readFileSync(fontFile(face, weight));
    hit = { bytes, font: fontkit.create(bytes) };
    loaded.set(id, hit);
  }
  return hit;
}

/** Which faces cover a code point, asked of the regular weights (the bold ones match them). */
const covers = (face: Face, codePoint: number) =>
  load(face, 'regular').font.hasGlyphForCodePoint(codePoint);

/** A stretch of text and the name of the font (registered by `setFont`) to set it in. */
export interface FontRun {
  font: string;
  text: string;
}

export const fontName = (faceKey: string, weight: Weight) => `${faceKey}-${weight}`;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Cuts text into runs of one font each. A letter or digit DejaVu has is set in DejaVu; any other
 * character stays in the current run's font whenever that font has it (spaces, punctuation and
 * combining marks stay with their words); otherwise the first font of the chain that has it
 * starts a new run. A character no font has stays in the current font, which shows it as a
 * missing glyph.
 */
export function fontRuns(text: string, weight: Weight): FontRun[] {
  const primary = CHAIN[0]!;
  const runs: FontRun[] = [];
  let current = primary;
  let buffer = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const next =
      current !== primary && LETTER_OR_DIGIT.test(char) && covers(primary, codePoint)
        ? primary
        : covers(current, codePoint)
          ? current
          : CHAIN.find((face) => covers(face, codePoint));
    if (next && next !== current) {
      if (buffer) runs.push({ font: fontName(current.key, weight), text: buffer });
      current = next;
      buffer = '';
    }
    buffer += char;
  }
  if (buffer || runs.length === 0) runs.push({ font: fontName(current.key, weight), text: buffer });
  return runs;
}

/** The bytes of a font named by `fontRuns`, to register in a PDF document. */
export function fontBytes(name: string): Buffer {
  for (const face of CHAIN) {
    for (const weight of ['regular', 'bold'] as const) {
      if (fontName(face.key, weight) === name) return load(face, weight).bytes;
    }
  }
  throw new Error(`Unknown PDF font ${name}`);
}

type Doc = InstanceType<typeof PDFDocument>;

/** The fonts each document has registered, so each is registered (and read) once. */
const registeredIn = new WeakMap<Doc, Set<string>>();

function setFont(doc: Doc, font: string, size: number) {
  let registered = registeredIn.get(doc);
  if (!registered) {
    registered = new Set();
    registeredIn.set(doc, registered);
  }
  if (!registered.has(font)) {
    doc.registerFont(font, fontBytes(font));
    registered.add(font);
  }
  doc.font(font).fontSize(size);
}

/**
 * Writes one block of text in any script, switching fonts run by run; `size` and `options` as
 * for pdfkit's `font().fontSize().text()`. The document is left in the last run's font.
 */
export function writeText(
  doc: Doc,
  text: string,
  weight: Weight,
  size: number,
  options: PDFKit.Mixins.TextOptions = {},
): void {
  const runs = fontRuns(text, weight);
  if (runs.length > 1 && options.align === 'center') {
    // pdfkit misplaces centred text made of several `continued` runs: centre one line by hand,
    // or, when it does not fit on one line, set it flush left.
    const widths = runs.map((run) => {
      setFont(doc, run.font, size);
      return doc.widthOfString(run.text);
    });
    const total = widths.reduce((a, b) => a + b, 0);
    const left = doc.page.margins.left;
    const room = doc.page.width - left - doc.page.margins.right;
    if (total <= room) {
      const y = doc.y;
      let x = left + (room - total) / 2;
      let height = 0;
      for (const [i, run] of runs.entries()) {
        setFont(doc, run.font, size);
        doc.text(run.text, x, y, { lineBreak: false });
        height = Math.max(height, doc.currentLineHeight(true));
        x += widths[i]!;
      }
      doc.x = left;
      doc.y = y + height;
      return;
    }
    options = { ...options, align: 'left' };
  }
  for (const [i, run] of runs.entries()) {
    setFont(doc, run.font, size);
    doc.text(run.text, { ...options, continued: i < runs.length - 1 });
  }
}
