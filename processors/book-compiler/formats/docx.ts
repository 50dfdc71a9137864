/** DOCX through `docx`: the title (Title style), the author, each chapter a Heading 1 and its paragraphs. */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import type { BookManuscript } from '../render';
import { cleanManuscript, paragraphs } from './text';

export function renderDocx(book: BookManuscript): Promise<Buffer> {
  const { title, author, description, language, chapters } = cleanManuscript(book);
  const children = [new Paragraph({ text: title, heading: HeadingLevel.TITLE })];
  if (author) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.LEFT,
        children: [new TextRun({ text: author, italics: true })],
      }),
    );
  }
  for (const chapter of chapters) {
    children.push(
      new Paragraph({
        text: chapter.title,
        heading: HeadingLevel.HEADING_1,
        pageBreakBefore: true,
      }),
    );
    for (const text of paragraphs(chapter.text)) children.push(new Paragraph({ text }));
  }
  const document = new Document({
    title,
    creator: author || undefined,
    lastModifiedBy: author || undefined,
    description,
    styles: { default: { document: { run: { language: { value: language } } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(document);
}
