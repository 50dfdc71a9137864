/**
 * Downloads of the files processors export (a compiled book's EPUB, a pitch's PDF...): their
 * `url` in the blob's data is fetched with the token, and comes back as bytes and a file name.
 */
import { networkError, StudioError } from './errors.js';

export interface StudioDownload {
  bytes: Uint8Array;
  /** From `Content-Disposition`, else the URL's last segment. */
  fileName: string;
  /** From `Content-Type`, such as `application/epub+zip`. */
  contentType: string | undefined;
}

/** The file name a `Content-Disposition` header gives (RFC 6266: `filename*` wins). */
export function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[2]!.trim().replace(/^"|"$/g, ''));
    } catch {
      // a badly encoded filename*: fall back to filename
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(disposition);
  if (!plain) return undefined;
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2]!.trim();
}

/** GETs `fileUrl` (absolute, or relative to the API's URL) with the token. */
export async function download(
  fileUrl: string,
  apiUrl: string,
  token: string,
  doFetch: typeof fetch,
): Promise<StudioDownload> {
  let url: string;
  try {
    url = new URL(fileUrl, apiUrl).href;
  } catch (cause) {
    throw StudioError.of('BAD_USER_INPUT', `Not a file URL: ${fileUrl}`, {}, { cause });
  }
  let res: Response;
  try {
    res = await doFetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (cause) {
    throw networkError(url, `Could not reach ${url}`, { cause });
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let body: { error?: { code?: unknown; message?: unknown } } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    const error = body?.error;
    if (error && typeof error.code === 'string' && typeof error.message === 'string') {
      throw StudioError.of(error.code, error.message, { ...error, url }, { status: res.status });
    }
    throw networkError(url, `${url} answered HTTP ${res.status}, not a Studio file`, {
      status: res.status,
    });
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const fileName =
    fileNameOf(res.headers.get('content-disposition')) ??
    decodeURIComponent(new URL(url).pathname.split('/').pop() || 'download');
  return { bytes, fileName, contentType: res.headers.get('content-type') ?? undefined };
}
