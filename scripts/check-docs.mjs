#!/usr/bin/env node
// House rule: every public export of every package entry point carries a TSDoc comment, and every
// exported value (function, class, constant) shows an @example. Types and interfaces need the
// comment (TypeDoc's notDocumented check covers their members too) but no example of their own:
// the examples of the functions that take them show them in use. Reads the entry points from each
// package's typedoc.json.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const problems = [];
let checked = 0;
for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  const entries = JSON.parse(readFileSync(join(dir, 'typedoc.json'), 'utf8')).entryPoints.map((e) => join(dir, e));
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  for (const entry of entries) {
    const source = program.getSourceFile(entry);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) {
      problems.push(`${name}: cannot read ${entry}`);
      continue;
    }
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      checked++;
      const tags = symbol.getJsDocTags(checker);
      const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker));
      const where = `@portalkit/${name}${entry.endsWith('src/index.ts') ? '' : `/${entry.split('/src/')[1].replace('/index.ts', '')}`}: ${exported.name}`;
      if (!docs.trim()) problems.push(`${where} has no TSDoc comment`);
      else if (symbol.flags & ts.SymbolFlags.Value && !tags.some((t) => t.name === 'example')) {
        problems.push(`${where} has no @example`);
      }
    }
  }
}
for (const p of problems) console.error(`[check-docs] ${p}`);
console.log(`[check-docs] ${checked} exports checked, ${problems.length} without TSDoc + @example`);
process.exit(problems.length ? 1 : 0);
