// Whether dist/ (npm run build) holds the current sources: its stamp is newer than every file
// under src/ and the tsconfigs. Without src/ (the Docker image ships dist/ alone) dist is all there is.
import { existsSync, readdirSync, statSync } from 'node:fs';

/** Newest modification time under a directory (or of a file); 0 when it is missing. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newest(`${path}/${f}`)));
}

/** `root` ends with a slash (a directory URL's path). */
export function distIsFresh(root) {
  const stamp = `${root}dist/.built`;
  if (!existsSync(stamp)) return false;
  if (!existsSync(`${root}src`)) return true;
  const sources = Math.max(newest(`${root}src`), newest(`${root}tsconfig.json`), newest(`${root}tsconfig.build.json`));
  return statSync(stamp).mtimeMs >= sources;
}
