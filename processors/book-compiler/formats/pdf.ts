/**
 * PDF through pdfkit, in DejaVu Sans with Noto Sans for the scripts it lacks (see
 * processors/lib/pdf-text.ts); pdfkit subsets every embedded font.
 */
import PDFDocument from 'pdfkit';
import { primaryFontFile, writeText } from '../../lib/pdf-text';
import type { BookManuscript } from '../render';
import { cleanManuscript, paragraphs } from './text';

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

  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Title page: the title and the author, a third of the way down.
  doc.addPage();
  doc.y = doc.page.height / 3;
  writeText(doc, title, 'bold', 26, { align: 'center' });
  if (author) {
    doc.moveDown(1);
    writeText(doc, author, 'regular', 14, { align: 'center' });
  }

  for (const chapter of chapters) {
    doc.addPage();
    doc.outline.addItem(chapter.title);
    writeText(doc, chapter.title, 'bold', 18, { paragraphGap: 18 });
    for (const paragraph of paragraphs(chapter.text)) {
      writeText(doc, paragraph, 'regular', 10.5, {
        align: 'justify',
        paragraphGap: 6,
        lineGap: 2,
      });
    }
  }
  doc.end();
  return done;
}
