/**
 * Files a processor exported (a compiled book, a pitch), downloaded the way the browser saves any
 * file: fetched with the token (the file routes need it, so a plain link cannot), then handed to
 * the browser through a `blob:` URL and `<a download>` under the name the server gives
 * (`Content-Disposition`).
 */
import type { StudioDownload } from '@reyna-studio/sdk';
import { useContext, useState } from 'react';
import { StudioClientContext } from './live';
import './downloads.css';

/** An exported file as compiled-book-v1 `formats` and pitch-document-v1 `exports` list it. */
export interface ExportedFile {
  format: string;
  url: string;
  size: number;
}

const FORMAT_NAMES: Record<string, string> = {
  epub: 'EPUB',
  pdf: 'PDF',
  docx: 'DOCX',
  html: 'HTML',
  markdown: 'Markdown',
};

export const formatName = (format: string) => FORMAT_NAMES[format] ?? format.toUpperCase();

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Hands the bytes to the browser as a download named `fileName`. */
function save(file: StudioDownload): void {
  const url = URL.createObjectURL(
    new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.contentType }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the bytes once the click is handled; a minute is generous.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

type State =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'saved'; fileName: string }
  | { kind: 'failed'; message: string };

/** One file's download button; says the name it was saved under, or why it failed. */
export function DownloadButton({ file, context }: { file: ExportedFile; context: string }) {
  // The SDK client App provides beside urql: its download sends the token.
  const studio = useContext(StudioClientContext);
  const [state, setState] = useState<State>({ kind: 'idle' });
  const name = formatName(file.format);
  return (
    <li className="download">
      <button
        type="button"
        aria-label={`Download ${name} of ${context}`}
        disabled={!studio || state.kind === 'busy'}
        onClick={async () => {
          if (!studio) return;
          setState({ kind: 'busy' });
          try {
            const got = await studio.download(file.url);
            save(got);
            setState({ kind: 'saved', fileName: got.fileName });
          } catch (error) {
            setState({
              kind: 'failed',
              message: error instanceof Error ? error.message : String(error),
            });
          }
        }}
      >
        {state.kind === 'busy' ? `Downloading ${name}…` : `Download ${name}`}
      </button>
      <span className="hint">{sizeOf(file.size)}</span>
      {state.kind === 'saved' && (
        <span className="saved" role="status">
          Saved as <strong>{state.fileName}</strong>
        </span>
      )}
      {state.kind === 'failed' && (
        <span className="field-error" role="alert">
          The {name} file could not be downloaded: {state.message}
        </span>
      )}
    </li>
  );
}

/** The files of one export, each with its download button. */
export function DownloadList({ files, context }: { files: ExportedFile[]; context: string }) {
  return (
    <ul className="downloads" aria-label={`Files of ${context}`}>
      {files.map((f) => (
        <DownloadButton key={f.url} file={f} context={context} />
      ))}
    </ul>
  );
}
