/** UTF-8 byte order mark: Excel reads the file as UTF-8 only with it (else Persian turns to mojibake). */
export const BOM = '\uFEFF';

/**
 * One CSV line. Text that a spreadsheet would run as a formula (= + - @ at the start) gets a
 * leading apostrophe (an E.164 phone is no formula and stays as it is); numbers stay numbers.
 */
export function csvLine(cells: readonly (string | number | null)[]): string {
  return (
    cells
      .map((cell) => {
        if (cell === null) return '';
        if (typeof cell === 'number') return String(cell);
        const text = /^[=+\-@\t\r]/.test(cell) && !/^\+\d+$/.test(cell) ? `'${cell}` : cell;
        return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
      })
      .join(',') + '\r\n'
  );
}
