import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * `npm test` names the tiers one by one (the slowest file first, so that the parallel run ends
 * soon after it): every test file must still be run by it, and run once.
 */

const ROOT = join(__dirname, '..', '..');

/** Every `*.test.ts` below test/, relative to the project. */
function testFiles(dir = join(ROOT, 'test')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

/** A spec argument of the script as a pattern for one path: `*`, and `!(name)` (anything but that name). */
function specPattern(spec: string): RegExp {
  const source = spec
    .split(/(\*|!\([^)]*\))/)
    .map((part) => {
      if (part === '*') return '[^/]*';
      const not = /^!\(([^)]*)\)$/.exec(part);
      if (not) return `(?!${not[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[^/]*$)\\.)[^/]*?`;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

describe('npm test', () => {
  it('runs every test file, once', () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.test;
    const mocha = script.slice(script.indexOf('mocha '));
    const specs = [...mocha.matchAll(/"([^"]+)"|(test\/\S+)/g)].map((m) => m[1] ?? m[2]);
    assert.ok(specs.length > 1, mocha);
    const patterns = specs.map(specPattern);
    const runs = (file: string) => patterns.filter((p) => p.test(file)).length;
    const files = testFiles();
    assert.ok(files.includes('test/crash/nudges.crash.test.ts') && files.includes('test/unit/test-script.test.ts'), 'the files are found');
    assert.deepEqual(files.filter((f) => runs(f) === 0), [], 'never run by npm test');
    assert.deepEqual(files.filter((f) => runs(f) > 1), [], 'run more than once by npm test');
  });
});
