import iconv from 'iconv-lite';

/** Charsets a CSV upload may name; Excel in Iran saves Windows-1256 ("Arabic (Windows)"). */
export function isKnownCharset(charset: string): boolean {
  return iconv.encodingExists(charset);
}

/**
 * Bytes as text: in the charset given, else UTF-8 when the bytes are valid UTF-8, else
 * Windows-1256 (what Excel writes on a Persian Windows when it is not told "CSV UTF-8").
 * A leading BOM is dropped.
 */
export function decodeText(bytes: Buffer, charset?: string): string | null {
  if (charset && !/^utf-?8$/i.test(charset)) return iconv.decode(bytes, charset);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Said UTF-8 but is not: null, rather than guess against what the sender stated.
    return charset ? null : iconv.decode(bytes, 'windows-1256');
  }
}

/** The 1-based line of `index` in `text`. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
