/** PDF through pdfkit, set in DejaVu Sans so that Cyrillic, Greek and accented Latin all render. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { BookManuscript } from '../render';
import { cleanManuscript, paragraphs } from './text';

const fontDir = join(
  dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
);
export const PDF_FONTS = {
  regular: join(fontDir, 'DejaVuSans.ttf'),
  bold: join(fontDir, 'DejaVuSans-Bold.ttf'),
};

export function renderPdf(book: BookManuscript): Promise<Buffer> {
  const { title, author, description, language, date, chapters } = cleanManuscript(book);
  const doc = new PDFDocument({
    size: 'A5',
    margins: { top: 56, bottom: 56, left: 50, right: 50 },
    autoFirstPage: false,
    font: PDF_FONTS.regular,
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
  doc.registerFont('body', PDF_FONTS.regular);
  doc.registerFont('heading', PDF_FONTS.bold);

  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Title page: the title and the author, a third of the way down.
  doc.addPage();
  doc.y = doc.page.height / 3;
  doc.font('heading').fontSize(26).text(title, { align: 'center' });
  if (author) doc.moveDown(1).font('body').fontSize(14).text(author, { align: 'center' });

  for (const chapter of chapters) {
    doc.addPage();
    doc.outline.addItem(chapter.title);
    doc.font('heading').fontSize(18).text(chapter.title, { paragraphGap: 18 });
    doc.font('body').fontSize(10.5);
    for (const paragraph of paragraphs(chapter.text)) {
      doc.text(paragraph, { align: 'justify', paragraphGap: 6, lineGap: 2 });
    }
  }
  doc.end();
  return done;
}
