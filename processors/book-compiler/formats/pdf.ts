/**
 * PDF through pdfkit. Text is set in DejaVu Sans (Latin, Greek, Cyrillic) with Noto Sans fallbacks
 * for the scripts DejaVu lacks (see pdf-fonts.ts); pdfkit subsets every embedded font.
 */
import PDFDocument from 'pdfkit';
import type { BookManuscript } from '../render';
import { fontBytes, fontRuns, primaryFontFile, type Weight } from './pdf-fonts';
import { cleanManuscript, paragraphs } from './text';

type Doc = InstanceType<typeof PDFDocument>;

function useFont(doc: Doc, registered: Set<string>, font: string, size: number) {
  if (!registered.has(font)) {
    doc.registerFont(font, fontBytes(font));
    registered.add(font);
  }
  doc.font(font).fontSize(size);
}

/** Writes one block of text, switching fonts run by run; `size` and options as for `doc.text`. */
function write(
  doc: Doc,
  registered: Set<string>,
  text: string,
  weight: Weight,
  size: number,
  options: PDFKit.Mixins.TextOptions,
) {
  const runs = fontRuns(text, weight);
  if (runs.length > 1 && options.align === 'center') {
    // pdfkit misplaces centred text made of several `continued` runs: centre one line by hand.
    const widths = runs.map((run) => {
      useFont(doc, registered, run.font, size);
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
        useFont(doc, registered, run.font, size);
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
    useFont(doc, registered, run.font, size);
    doc.text(run.text, { ...options, continued: i < runs.length - 1 });
  }
}

export function renderPdf(book: BookManuscript): Promise<Buffer> {
  const { title, author, description, language, date, chapters } = cleanManuscript(book);
  const doc = new PDFDocument({
    size: 'A5',
    margins: { top: 56, bottom: 56, left: 50, right: 50 },
    autoFirstPage: false,
    font: primaryFontFile(),
    lang: language,
    displayTitle: true,
    info: {
      Title: title,
      ...(author ? { Author: author } : {}),
      Subject: description,
      Creator: 'Reyna Studio book compiler',
      CreationDate: date,
      ModDate: date,
    },
  });
  const registered = new Set<string>();

  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Title page: the title and the author, a third of the way down.
  doc.addPage();
  doc.y = doc.page.height / 3;
  write(doc, registered, title, 'bold', 26, { align: 'center' });
  if (author) {
    doc.moveDown(1);
    write(doc, registered, author, 'regular', 14, { align: 'center' });
  }

  for (const chapter of chapters) {
    doc.addPage();
    doc.outline.addItem(chapter.title);
    write(doc, registered, chapter.title, 'bold', 18, { paragraphGap: 18 });
    for (const paragraph of paragraphs(chapter.text)) {
      write(doc, registered, paragraph, 'regular', 10.5, {
        align: 'justify',
        paragraphGap: 6,
        lineGap: 2,
      });
    }
  }
  doc.end();
  return done;
}
