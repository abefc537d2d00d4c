import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import * as ts from 'typescript';
import { ROOT, sources } from '../support/sources';

/**
 * The order of Samråd's layers (README: "How it is built"). Every import of bot/, cards/ and tab/
 * (type-only imports, `require` and `import()` included) goes to a part on its own floor or
 * below, never up; and no files import each other in a circle, inside a folder or across.
 */

/**
 * The floors, from the ground up. A part is a folder (ending in `/`) or a file; a file belongs to
 * the longest part that names it, so `bot/telemetry/port.ts` stands on the ground while the rest
 * of `bot/telemetry/` (the exporter, which only app.ts loads) stands with the app.
 */
const FLOORS: readonly (readonly string[])[] = [
  ['bot/domain/', 'bot/log.ts', 'bot/telemetry/port.ts', 'bot/telemetry/vocabulary.ts', 'tab/wire.ts'],
  ['bot/store/', 'bot/i18n/', 'bot/config.ts'],
  ['bot/jobs/', 'cards/'],
  ['bot/documents/'],
  ['bot/services/'],
  ['bot/teams/', 'bot/graph/'],
  ['bot/http/'],
  ['bot/app.ts', 'bot/telemetry/'],
  ['bot/index.ts', 'tab/'],
];

/** The floor (1 = the ground) and part of a file, or undefined when no part names it. */
function placeOf(file: string): { floor: number; part: string } | undefined {
  let found: { floor: number; part: string } | undefined;
  FLOORS.forEach((parts, i) => {
    for (const part of parts) {
      const names = part.endsWith('/') ? file.startsWith(part) : file === part;
      if (names && (!found || part.length > found.part.length)) found = { floor: i + 1, part };
    }
  });
  return found;
}

/** The relative specifiers a source text imports, in every form TypeScript reads (type-only too). */
function importsOf(text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map((f) => f.fileName).filter((name) => name.startsWith('.'));
}

/** The .ts file of the list that a relative specifier of `from` names, if it names one. */
function resolve(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  return [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => candidate.endsWith('.ts') && files.has(candidate));
}

/**
 * What breaks the order, one line each: a file no part names, an import up a floor (naming the
 * file, the import and both floors), and each circle of files. `graph` maps each file to the
 * relative specifiers it imports.
 */
function layerProblems(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const files = new Set(graph.keys());
  const problems: string[] = [];
  const edges = new Map<string, string[]>();
  for (const [file, specifiers] of graph) {
    const from = placeOf(file);
    if (!from) problems.push(`${file}: stands on no floor (add its folder to FLOORS and to the README's table)`);
    const targets: string[] = [];
    for (const specifier of specifiers) {
      const target = resolve(file, specifier, files);
      if (!target) continue;
      targets.push(target);
      const to = placeOf(target);
      if (from && to && to.floor > from.floor) {
        problems.push(`${file}: imports '${specifier}' (${target}, floor ${to.floor}: ${to.part}) from floor ${from.floor} (${from.part}): an import up`);
      }
    }
    edges.set(file, targets);
  }
  for (const { size, path } of circles(edges)) problems.push(`a circle of ${size} files, one way round: ${path.join(' -> ')} -> ${path[0]}`);
  return problems;
}

/** The files that import each other in a loop (Tarjan's strongly connected components): how many, and one path around. */
function circles(edges: ReadonlyMap<string, readonly string[]>): { size: number; path: string[] }[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: { size: number; path: string[] }[] = [];
  let next = 0;
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of edges.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (edges.get(file) ?? []).includes(file)) found.push({ size: component.length, path: pathAround(new Set(component), edges) });
  };
  for (const file of [...edges.keys()].sort()) if (!index.has(file)) visit(file);
  return found;
}

/** One loop through a component, from its first file by name back to it, for the message. */
function pathAround(component: ReadonlySet<string>, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const start = [...component].sort()[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const target of edges.get(file) ?? []) {
      if (!component.has(target)) continue;
      if (target === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
        return path;
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [...component].sort();
}

/** The import graph of the project as it is on disk. */
function projectGraph(): Map<string, string[]> {
  return new Map(sources('bot', 'cards', 'tab').map((file) => [file, importsOf(readFileSync(join(ROOT, file), 'utf8'))]));
}

describe('the layers (README: "How it is built")', () => {
  it('has every import of bot/, cards/ and tab/ go to its own floor or below, and no circle of files', () => {
    const graph = projectGraph();
    assert.ok(graph.size > 100 && graph.has('bot/domain/meeting.ts') && graph.has('bot/app.ts'), 'the scan sees the sources');
    assert.ok([...graph.values()].reduce((n, specifiers) => n + specifiers.length, 0) > 500, 'and their imports');
    assert.deepEqual(layerProblems(graph), []);
  });

  it('is live: an import up, a circle and a file on no floor in an in-memory project are each reported by file and import', () => {
    const graph = new Map<string, string[]>([
      ['bot/domain/a.ts', ['./b']],
      ['bot/domain/b.ts', ['./c']],
      ['bot/domain/c.ts', ['./a', '../log']],
      ['bot/log.ts', []],
      ['bot/store/port.ts', ['../domain/a', '../log']],
      ['bot/store/queries.ts', ['./port', '../jobs/job']],
      ['bot/jobs/job.ts', ['../store/port']],
      ['bot/services/ports.ts', ['../telemetry/port', '../telemetry']],
      ['bot/telemetry/port.ts', []],
      ['bot/telemetry/index.ts', ['./port']],
      ['bot/elsewhere/x.ts', []],
    ]);
    assert.deepEqual(layerProblems(graph), [
      "bot/store/queries.ts: imports '../jobs/job' (bot/jobs/job.ts, floor 3: bot/jobs/) from floor 2 (bot/store/): an import up",
      "bot/services/ports.ts: imports '../telemetry' (bot/telemetry/index.ts, floor 8: bot/telemetry/) from floor 5 (bot/services/): an import up",
      'bot/elsewhere/x.ts: stands on no floor (add its folder to FLOORS and to the README\'s table)',
      'a circle of 3 files, one way round: bot/domain/a.ts -> bot/domain/b.ts -> bot/domain/c.ts -> bot/domain/a.ts',
    ]);
    // The reader sees every form of import, type-only ones included, and leaves packages out.
    const text = "import type { A } from './a';\nimport {\n  B,\n} from '../b';\nexport { C } from './c';\nimport './d';\nconst e = require('./e');\ntype F = typeof import('./f');\nimport { DateTime } from 'luxon';\n";
    assert.deepEqual(importsOf(text), ['./a', '../b', './c', './d', './e', './f']);
  });

  it('is the table of the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    FLOORS.forEach((parts, i) => {
      const row = `| ${i + 1} | ${parts.map((p) => `\`${p}\``).join(', ')} |`;
      assert.ok(readme.split('\n').some((line) => line.trim().startsWith(row)), `README has the row ${row}`);
    });
  });
});
