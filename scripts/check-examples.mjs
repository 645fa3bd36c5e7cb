#!/usr/bin/env node
// The code examples readers copy must compile against the published types. Extracts every ```ts
// block of packages/*/README.md and every code block of a TSDoc @example in packages/*/src (the
// TypeDoc site shows them), and typechecks each as its own ES module (strict, NodeNext, ES2022, so
// top-level await works) placed, in memory only, at packages/<name>/__examples__/<n>.ts: imports
// resolve like a user's code would, `@portalkit/<name>` by self-reference and the package's
// dependencies from its node_modules, all to the built dist types (run after the build). An
// `@portalkit/*` package the owning one does not depend on resolves from that package's own
// directory, as it would for a user who installed both.
//
// Examples are often fragments that use names they do not declare (`app`, `req`, `db`). Before the
// check, such a name is imported from the earlier block of the same README that declares it, or
// from the portalkit entry point that exports it, or, for the conventional names of the packages'
// main objects and ids (`storage`, `files`, `tenancy`, `tenantId`...), declared with their type; the
// rest stay `any`, and the diagnostics about them are ignored (cannot find name, implicit any), as
// is an unresolvable bare import other than `@portalkit/*` (`express` in a fragment). Everything
// else is a problem: a wrong option or property name, a wrong argument, a missing export or subpath,
// a syntax error, and in the first block of a README (presented as pasteable) a portalkit export
// used without its import. Browser globals are left undeclared too (no DOM lib: its globals such as
// `name` and `event` would give fragments wrong types).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');

/** Diagnostics about names an example uses without declaring them. */
const IGNORED_CODES = new Set([
  2304, // Cannot find name 'x'.
  2552, // Cannot find name 'x'. Did you mean 'y'?
  2580, // Cannot find name 'require'/'process'... (install @types/node)
  2582, // Cannot find name 'describe'/'it' (install test types)
  18004, // No value exists in scope for the shorthand property 'x'.
  7005, // Variable 'x' implicitly has an 'any' type.
  7006, // Parameter 'x' implicitly has an 'any' type.
  7031, // Binding element 'x' implicitly has an 'any' type.
  7034, // Variable 'x' implicitly has type 'any' in some locations.
]);
/** Diagnostics about a module that cannot be found or has no types; ignored for bare specifiers outside @portalkit. */
const MODULE_CODES = new Set([2307, 2792, 7016]);

/** @typedef {{ pkg: string, file: string, line: number, code: string, virtual?: string }} Block */

/** Code blocks of one language from markdown text, with the 1-based line of their first code line. */
function markdownBlocks(text, langs) {
  const blocks = [];
  const lines = text.split('\n');
  let open = null;
  let fence = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (open === null) {
      const m = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
      if (m) {
        fence = m[2];
        open = { lang: m[3], start: i + 2, indent: m[1].length, lines: [] };
      }
    } else if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') {
      if (langs.includes(open.lang)) blocks.push({ line: open.start, code: open.lines.join('\n') });
      open = null;
    } else {
      open.lines.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
    }
  }
  return blocks;
}

/** The ```ts blocks of every @example in the TSDoc comments of one source file. */
function tsdocBlocks(fileName, text) {
  const blocks = [];
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const comments = new Map();
  const visit = (node) => {
    for (const doc of node.jsDoc ?? []) comments.set(doc.pos, doc.end);
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const [pos, end] of [...comments].sort((a, b) => a[0] - b[0])) {
    const comment = text.slice(pos, end);
    if (!comment.includes('@example')) continue;
    const firstLine = source.getLineAndCharacterOfPosition(pos).line + 1;
    // Strip the comment syntax line by line, keeping line numbers.
    const lines = comment
      .replace(/^\/\*\*/, '')
      .replace(/\*\/$/, '')
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''));
    let inExample = false;
    let section = [];
    const flush = () => {
      if (!section.length) return;
      const body = section.map((s) => s.text).join('\n');
      const found = markdownBlocks(body, ['ts', 'typescript']);
      const fenced = /^\s*(`{3,}|~{3,})/m.test(body);
      if (found.length) {
        for (const b of found) blocks.push({ line: section[0].line + b.line - 1, code: b.code });
      } else if (!fenced && body.trim()) {
        // TypeDoc renders an @example without a code fence as code.
        const first = section.findIndex((s) => s.text.trim());
        const code = section
          .slice(first)
          .map((s) => s.text)
          .join('\n');
        blocks.push({ line: section[first].line, code: /^\s*`([^`]+)`\s*$/.exec(code)?.[1] ?? code });
      }
      section = [];
    };
    let inFence = false;
    // A one-line comment can hold its tag mid-line: `/** zod schema of X. @example `x.parse(...)` */`.
    const split = lines.flatMap((text, i) =>
      /^\s*(`{3,}|~{3,})/.test(text)
        ? [{ text, i }]
        : text.split(/\s(?=@example\b)/).map((part) => ({ text: part, i })),
    );
    split.forEach(({ text, i }) => {
      const line = firstLine + i;
      if (!inFence && /^@\w+/.test(text.trim())) {
        flush();
        inExample = text.trim().startsWith('@example');
        if (inExample) {
          const rest = text.trim().slice('@example'.length).trim();
          if (rest) section.push({ line, text: rest });
        }
        return;
      }
      if (/^\s*(`{3,}|~{3,})/.test(text)) inFence = !inFence;
      if (inExample) section.push({ line, text });
    });
    flush();
  }
  return blocks;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'node_modules' && entry !== '__tests__' && entry !== 'test') out.push(...sourceFiles(path));
    } else if (/\.(c|m)?ts$/.test(entry) && !/\.d\.(c|m)?ts$/.test(entry) && !/\.(test|spec)\.(c|m)?ts$/.test(entry)) {
      out.push(path);
    }
  }
  return out.sort();
}

/** @type {Block[]} */
const blocks = [];
const packages = readdirSync(join(root, 'packages')).filter((n) =>
  existsSync(join(root, 'packages', n, 'package.json')),
);
for (const pkg of packages) {
  const dir = join(root, 'packages', pkg);
  const readme = join(dir, 'README.md');
  if (existsSync(readme)) {
    for (const b of markdownBlocks(readFileSync(readme, 'utf8'), ['ts', 'typescript'])) {
      blocks.push({ pkg, file: readme, ...b });
    }
  }
  for (const file of sourceFiles(join(dir, 'src'))) {
    for (const b of tsdocBlocks(file, readFileSync(file, 'utf8'))) blocks.push({ pkg, file, ...b });
  }
}

const virtual = new Map();
blocks.forEach((b, i) => {
  b.virtual = join(root, 'packages', b.pkg, '__examples__', `${i}.ts`);
  virtual.set(b.virtual, b);
});
const virtualDirs = new Set([...virtual.keys()].map((f) => dirname(f)));

const options = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  typeRoots: [join(root, 'node_modules', '@types')],
  skipLibCheck: true,
  noEmit: true,
};
const host = ts.createCompilerHost(options, true);
const { getSourceFile, fileExists, readFile, directoryExists } = host;
host.getSourceFile = (fileName, languageVersion, ...rest) => {
  const b = virtual.get(fileName);
  if (b) return ts.createSourceFile(fileName, b.code, languageVersion, true, ts.ScriptKind.TS);
  return getSourceFile.call(host, fileName, languageVersion, ...rest);
};
host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
host.readFile = (f) => virtual.get(f)?.code ?? readFile.call(host, f);
host.directoryExists = (d) => virtualDirs.has(d) || directoryExists.call(host, d);

const problems = [];
const distOf = (pkg) => join(root, 'packages', pkg, 'dist') + sep;
const cache = ts.createModuleResolutionCache(root, (f) => f, options);
host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts, containingSourceFile) =>
  literals.map((literal) => {
    const name = literal.text;
    let result = ts.resolveModuleName(
      name,
      containingFile,
      opts,
      host,
      cache,
      redirected,
      containingSourceFile.impliedNodeFormat,
    );
    const sibling = /^@portalkit\/([^/]+)/.exec(name)?.[1];
    if (sibling && virtual.has(containingFile) && packages.includes(sibling)) {
      // A sibling package this one does not depend on: resolve it as installed next to it.
      if (!result.resolvedModule) {
        const from = join(root, 'packages', sibling, '__examples__', 'sibling.ts');
        result = ts.resolveModuleName(name, from, opts, host, cache, redirected, ts.ModuleKind.ESNext);
      }
      // What a user gets is the built types, never the sources (a stale or missing build is a problem).
      const resolved = result.resolvedModule?.resolvedFileName;
      if (resolved && !resolved.startsWith(distOf(sibling))) {
        problems.push(`${name} resolved to ${relative(root, resolved)}, not to packages/${sibling}/dist: is it built?`);
      }
    }
    return result;
  });

/** Each package's entry points, as `@portalkit/<name>[/<subpath>]` and the types they resolve to. */
const entries = [];
for (const pkg of packages) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));
  for (const key of Object.keys(manifest.exports ?? {})) {
    if (key.endsWith('.json')) continue;
    const specifier = `${manifest.name}${key.slice(1)}`;
    const from = join(root, 'packages', pkg, '__examples__', 'entry.ts');
    const types = ts.resolveModuleName(
      specifier,
      from,
      options,
      host,
      cache,
      undefined,
      ts.ModuleKind.ESNext,
    ).resolvedModule;
    if (types?.resolvedFileName.startsWith(distOf(pkg)) && types.resolvedFileName.endsWith('.d.ts')) {
      entries.push({ pkg, specifier, types: types.resolvedFileName });
    } else problems.push(`${specifier} has no built types in packages/${pkg}/dist: build the packages first`);
  }
}
if (problems.length) {
  for (const p of problems) console.error(`[check-examples] ${p}`);
  process.exit(1);
}

const started = Date.now();
let program = ts.createProgram({ rootNames: [...virtual.keys(), ...entries.map((e) => e.types)], options, host });

// Which entry point exports each name, the owning package's first.
const checker = program.getTypeChecker();
const exportsOf = new Map(
  entries.map((e) => {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(e.types));
    return [e, new Set(symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : [])];
  }),
);
const exporterOf = (pkg, name) => {
  const ordered = [...entries.filter((e) => e.pkg === pkg), ...entries.filter((e) => e.pkg !== pkg)];
  return ordered.find((e) => exportsOf.get(e).has(name));
};

// A fragment often goes on from an earlier block, or uses a portalkit export without importing it.
// It still gets checked: a name declared at the top level of an earlier block of the same README is
// imported from that block (which exports it), else a portalkit export of that name from its entry
// point (the owning package's first). The imports and exports are added at the end of the blocks
// (imports are hoisted), so line numbers stay. The first block of a README is presented as
// pasteable, so there a missing import is itself a problem.
const UNDECLARED = new Set([2304, 2552, 18004]);
// The names the examples use, undeclared, for the main objects of the packages and the ids they
// pass around: typed as those, so the calls on them and with them are checked too.
const CONVENTIONAL = {
  storage: () => "import('@portalkit/storage').StorageProvider",
  files: () => "import('@portalkit/storage').FileService",
  tenancy: () => "import('@portalkit/tenancy').TenancyService",
  auth: () => "import('@portalkit/auth').AuthService",
  accessTokens: () => "import('@portalkit/auth').AccessTokens",
  audit: () => "import('@portalkit/audit').AuditLog",
  platform: () => "import('@portalkit/platform').Platform",
  // Elsewhere `client` is often a MongoClient, `tenant` the API's JSON, `event` anything.
  client: (b) => (b.pkg === 'client' ? "import('@portalkit/client').PortalkitClient" : null),
  tenant: (b) => (b.pkg === 'tenancy' ? "import('@portalkit/tenancy').Tenant" : null),
  event: (b) => (b.pkg === 'audit' ? "import('@portalkit/audit').AuditEvent" : null),
  db: (b) => (b.pkg !== 'client' && !b.file.includes(`${sep}mongodb${sep}`) ? "import('kysely').Kysely<any>" : null),
  credentials: (b) => (b.pkg === 'storage' ? "import('@portalkit/storage').S3Credentials" : null),
  tenantId: () => 'string',
  userId: () => 'string',
  fileId: () => 'string',
};
const topLevelNames = (source) => {
  const names = new Set();
  const bind = (name) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const st of source.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bind(d.name);
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.add(st.name.text);
    else if (ts.isImportDeclaration(st) && st.importClause && !st.importClause.isTypeOnly) {
      const { name, namedBindings } = st.importClause;
      if (name) names.add(name.text);
      if (namedBindings && ts.isNamespaceImport(namedBindings)) names.add(namedBindings.name.text);
      else if (namedBindings) for (const e of namedBindings.elements) if (!e.isTypeOnly) names.add(e.name.text);
    }
  }
  return names;
};
const earlier = new Map(); // README file -> name -> the virtual file of the last block declaring it
const exported = new Map(); // virtual file -> names later blocks import from it
const firstReadmeBlock = new Set();
let amended = 0;
for (const [fileName, b] of virtual) {
  const source = program.getSourceFile(fileName);
  const readme = b.file.endsWith('.md');
  if (readme && !earlier.has(b.file)) {
    earlier.set(b.file, new Map());
    firstReadmeBlock.add(b);
  }
  const before = earlier.get(b.file);
  const imports = new Map();
  const declared = new Set();
  const use = (specifier, name) => {
    if (!imports.has(specifier)) imports.set(specifier, new Set());
    imports.get(specifier).add(name);
  };
  for (const d of program.getSemanticDiagnostics(source)) {
    if (!UNDECLARED.has(d.code) || d.start === undefined) continue;
    const name = source.text.slice(d.start, d.start + d.length);
    const block = before?.get(name);
    if (block) {
      use(`./${basename(block, '.ts')}.js`, name);
      if (!exported.has(block)) exported.set(block, new Set());
      exported.get(block).add(name);
      continue;
    }
    const type = Object.hasOwn(CONVENTIONAL, name) ? CONVENTIONAL[name](b) : null;
    if (type) {
      declared.add(`declare const ${name}: ${type};`);
      continue;
    }
    const entry = exporterOf(b.pkg, name);
    if (!entry) continue;
    use(entry.specifier, name);
    if (firstReadmeBlock.has(b)) {
      const line = source.getLineAndCharacterOfPosition(d.start).line;
      problems.push(
        `${relative(root, b.file)}:${b.line + line}: uses ${name} without importing it from '${entry.specifier}' (the first block should paste as is)`,
      );
    }
  }
  if (readme) for (const name of topLevelNames(source)) before.set(name, fileName);
  if (!imports.size && !declared.size) continue;
  amended++;
  const lines = [
    ...[...imports].map(([spec, names]) => `import { ${[...names].join(', ')} } from '${spec}';`),
    ...declared,
  ];
  b.code += `\n${lines.join(' ')}\n`;
}
for (const [fileName, names] of exported) virtual.get(fileName).code += `\nexport { ${[...names].join(', ')} };\n`;
if (amended || exported.size)
  program = ts.createProgram({ rootNames: [...virtual.keys()], options, host, oldProgram: program });

for (const [fileName, b] of virtual) {
  const source = program.getSourceFile(fileName);
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  for (const d of diagnostics) {
    if (IGNORED_CODES.has(d.code)) continue;
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
    if (MODULE_CODES.has(d.code)) {
      const specifier = /['"]([^'"]+)['"]/.exec(message)?.[1] ?? '';
      if (
        specifier &&
        !specifier.startsWith('@portalkit/') &&
        !specifier.startsWith('.') &&
        !specifier.startsWith('/')
      ) {
        continue;
      }
    }
    const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
    problems.push(`${relative(root, b.file)}:${b.line + line}: TS${d.code}: ${message}`);
  }
}
for (const p of problems) console.error(`[check-examples] ${p}`);
console.log(
  `[check-examples] ${blocks.length} examples checked (${blocks.filter((b) => b.file.endsWith('.md')).length} README blocks, ` +
    `${blocks.filter((b) => !b.file.endsWith('.md')).length} TSDoc @example blocks; ${amended} use names they do not declare from an earlier block or a portalkit entry point) in ${Date.now() - started} ms, ${problems.length} problems`,
);
process.exit(problems.length ? 1 : 0);
