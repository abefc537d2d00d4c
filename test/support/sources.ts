import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The project's root folder. */
export const ROOT = join(__dirname, '..', '..');

/** Every .ts file under the given folders, relative to the project root with forward slashes. */
export function sources(...folders: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) found.push(relative(ROOT, path).split('\\').join('/'));
    }
  };
  for (const folder of folders) walk(join(ROOT, folder));
  return found;
}
