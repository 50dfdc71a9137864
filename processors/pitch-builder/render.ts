/**
 * The pitch builder's renderers: pure functions from a pitch-document-v1 to the bytes of a
 * Markdown, DOCX or PDF file. Nothing here reads the network.
 *
 * The logline is shown once, under the title (the logline section's body, polished when the
 * document is); the other sections follow as heading + body.
 */
// docx and pdfkit load with the first pitch rendered in their format, not at start-up.
import type { Paragraph } from 'docx';
import { primaryFontFile, writeText } from '../lib/pdf-text';
import type { PitchDocument, PitchSection } from './schemas';

export type PitchFormat = 'markdown' | 'docx' | 'pdf';

export const PITCH_FORMATS: PitchFormat[] = ['markdown', 'docx', 'pdf'];

export const MEDIA_TYPES: Record<PitchFormat, string> = {
  markdown: 'text/markdown; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

export const EXTENSIONS: Record<PitchFormat, string> = {
  markdown: 'md',
  docx: 'docx',
  pdf: 'pdf',
};

/** Collapses whitespace, for text that must stay on one line. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The line under the title: the (possibly polished) logline section, else the logline. */
function tagline(doc: PitchDocument): string {
  return doc.sections.find((s) => s.key === 'logline')?.body ?? doc.logline;
}

/** The sections shown with a heading: all but the logline, which sits under the title. */
function bodySections(doc: PitchDocument): PitchSection[] {
  return doc.sections.filter((s) => s.key !== 'logline');
}

/** Paragraphs separated by blank lines, each a list of its lines. */
function paragraphs(body: string): string[][] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    )
    .filter((p) => p.length > 0);
}

/** A body line that Markdown would read as a heading (or a setext underline) is escaped. */
function escapeMarkdownLine(line: string): string {
  if (/^ {0,3}#/.test(line)) return line.replace('#', '\\#');
  if (/^ {0,3}(=+|-+)\s*$/.test(line)) return line.replace(/[=-]/, '\\$&');
  return line;
}

export function renderMarkdown(doc: PitchDocument): string {
  const emphasis = oneLine(tagline(doc)).replace(/([*_\\])/g, '\\$1');
  const parts = [`# ${oneLine(doc.title)}`, `*${emphasis}*`];
  for (const s of bodySections(doc)) {
    const body = s.body.replace(/\r\n?/g, '\n').split('\n').map(escapeMarkdownLine).join('\n');
    parts.push(`## ${oneLine(s.heading)}`, body.trim());
  }
  return `${parts.join('\n\n')}\n`;
}

export async function renderDocx(doc: PitchDocument): Promise<Buffer> {
  const { Document, HeadingLevel, Packer, Paragraph, TextRun } = await import('docx');
  const children: Paragraph[] = [
    new Paragraph({ text: oneLine(doc.title), heading: HeadingLevel.TITLE }),
    new Paragraph({ children: [new TextRun({ text: oneLine(tagline(doc)), italics: true })] }),
  ];
  for (const s of bodySections(doc)) {
    children.push(new Paragraph({ text: oneLine(s.heading), heading: HeadingLevel.HEADING_1 }));
    for (const lines of paragraphs(s.body)) {
      const runs = lines.map((text, i) => new TextRun({ text, break: i > 0 ? 1 : undefined }));
      children.push(new Paragraph({ children: runs }));
    }
  }
  const file = new Document({
    title: oneLine(doc.title),
    description: oneLine(doc.logline),
    sections: [{ children }],
  });
  return Packer.toBuffer(file);
}

export async function renderPdf(doc: PitchDocument): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({
      size: 'A4',
      margin: 72,
      font: primaryFontFile(),
      displayTitle: true,
      info: { Title: oneLine(doc.title), Subject: oneLine(doc.logline) },
    });
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    writeText(pdf, oneLine(doc.title), 'bold', 22);
    pdf.moveDown(0.5).fillColor('#444444');
    writeText(pdf, oneLine(tagline(doc)), 'regular', 13);
    pdf.fillColor('black');
    for (const s of bodySections(doc)) {
      pdf.moveDown(1);
      writeText(pdf, oneLine(s.heading), 'bold', 14);
      pdf.moveDown(0.3);
      for (const lines of paragraphs(s.body)) {
        writeText(pdf, lines.join('\n'), 'regular', 11);
        pdf.moveDown(0.5);
      }
    }
    pdf.end();
  });
}

/** Renders a pitch in one format; an unknown format is an Error (a rejected promise). */
export async function renderPitch(doc: PitchDocument, format: PitchFormat): Promise<Buffer> {
  switch (format) {
    case 'markdown':
      return Buffer.from(renderMarkdown(doc), 'utf8');
    case 'docx':
      return renderDocx(doc);
    case 'pdf':
      return renderPdf(doc);
    default:
      throw new Error(
        `Unknown pitch format: ${JSON.stringify(format)} (expected one of ${PITCH_FORMATS.join(', ')})`,
      );
  }
}
