import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The built UI's page, which `baton dev` serves (dist/ui of this package). */
export const UI_INDEX = join(root, 'dist', 'ui', 'index.html');

/** The newest modification time of the files under `dir`, in ms. */
function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path));
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the web UI (as `npm run build` does) when dist/ui/index.html is missing or older than a
 * file of src/ui, so the browser tests run on a checkout that was not built and never test a stale
 * build.
 *
 * @throws Error with vite's output when the build fails.
 */
export function ensureUiBuilt(): void {
  if (existsSync(UI_INDEX) && statSync(UI_INDEX).mtimeMs >= newestMtimeMs(join(root, 'src', 'ui'))) return;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const run = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'src/ui/vite.config.js', '--logLevel', 'warn'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (run.status !== 0 || !existsSync(UI_INDEX))
    throw new Error(`vite build of the web UI failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
}
