// Finds the code examples in the documentation: fenced blocks in Markdown, and fenced blocks and
// inline examples in the doc comments of assembly/*.ts. Each example keeps where it came from
// (file and 1-based line of its first code line), so a failure points at the text to fix.
//
// The rules (tests/docs.test.mjs compiles what they find):
//
// Markdown (README.md, docs/*.md)
//   - ```ts blocks are AssemblyScript: every one is compiled.
//   - ```json blocks that look like an asconfig (`"extends"` with `"entries"` or `"targets"`) or a
//     tsconfig (`"include"`, `"files"` or `"compilerOptions"`) must parse as JSON. Other json
//     blocks, and ```sh blocks, are not checked.
//   - A block whose previous non-empty line ends with "`some/path.ts`:" is that file (its
//     `path`), as in "`assembly/main.ts`:" before the README's first function.
//
// Doc comments (/** ... */ in assembly/*.ts, except the generated assembly/messages.ts and
// .d.ts declarations, which asc never reads)
//   - ```ts blocks inside the comment (the leading ` * ` of each line stripped) are compiled.
//   - An inline example is the backticked span that ends a comment's text (after any fenced
//     block is removed; only a parenthetical remark such as "(Tarmac shows it with APP_DEBUG)"
//     may follow it), when it contains `(` and either ends with `)` or `;` (a trailing
//     `// note` is allowed: `utf8Size(0xE9) // 2`), or is an `if (...) ...`, `for (...) ...` or
//     `while (...) ...` whose body is elided with `...` (compiled with an empty body `{}`).
//     So `/** The string, or null. \`const name = v.asString();\` */` is an example; a span in
//     the middle of a sentence (`base64EncodedLength(n)` bytes) is a reference, not an example,
//     and so is a span that shows output (`kvstore.get: not_found (404): ...`).

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Fenced blocks of a Markdown file: { lang, code, line, path } (line: the first code line). */
export function markdownBlocks(text) {
  const lines = text.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    let prev = i - 1;
    while (prev >= 0 && lines[prev].trim() === "") prev--;
    const label = prev >= 0 ? /`([\w./-]+\.ts)`:\s*$/.exec(lines[prev]) : null;
    blocks.push({ lang: open[1], code: lines.slice(i + 1, end).join("\n") + "\n", line: i + 2, path: label ? label[1] : null });
    i = end;
  }
  return blocks;
}

/** Whether a json block is an asconfig or a tsconfig (by its text, so one that does not parse is still found). */
export function configKind(code) {
  if (!/"extends"|"include"|"files"|"compilerOptions"|"entries"|"targets"/.test(code)) return null;
  if (/"extends"/.test(code) && /"entries"|"targets"/.test(code)) return "asconfig";
  if (/"include"|"files"|"compilerOptions"/.test(code)) return "tsconfig";
  return null;
}

/** The `/** ... *\/` comments of a source file: { lines: [{ text, line }] } with ` * ` stripped. */
export function docComments(source) {
  const lines = source.split("\n");
  const comments = [];
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i].indexOf("/**");
    if (start < 0 || lines[i].trimStart().startsWith("//")) continue;
    const body = [];
    for (let j = i; j < lines.length; j++) {
      let text = lines[j];
      if (j === i) text = text.slice(start + 3);
      else text = text.replace(/^\s*\*(?!\/) ?/, "");
      const close = text.indexOf("*/");
      if (close >= 0) {
        body.push({ text: text.slice(0, close), line: j + 1 });
        i = j;
        break;
      }
      body.push({ text, line: j + 1 });
    }
    comments.push({ lines: body });
  }
  return comments;
}

const ELIDED = /^(if|for|while) \(.*\) \.\.\.$/;

/** Examples in a source file's doc comments: { code, line, kind: "block" | "inline" }. */
export function docExamples(source) {
  const examples = [];
  for (const { lines } of docComments(source)) {
    const prose = [];
    for (let k = 0; k < lines.length; k++) {
      const fence = /^\s*```(\w*)\s*$/.exec(lines[k].text);
      if (!fence) { prose.push(lines[k]); continue; }
      let end = k + 1;
      while (end < lines.length && !/^\s*```\s*$/.test(lines[end].text)) end++;
      if (fence[1] === "ts") {
        const body = lines.slice(k + 1, end);
        if (body.length) examples.push({ code: body.map((l) => l.text).join("\n") + "\n", line: body[0].line, kind: "block" });
      }
      k = end;
    }
    // The comment's text as one string, remembering the line each character came from.
    let text = "";
    const lineAt = [];
    for (const l of prose) {
      const t = l.text.trim();
      if (!t) continue;
      if (text) { text += " "; lineAt.push(l.line); }
      text += t;
      for (let c = 0; c < t.length; c++) lineAt.push(l.line);
    }
    const m = /`([^`]+)`(\s*\([^()]*(\([^()]*\)[^()]*)*\))?\s*\.?\s*$/.exec(text);
    if (!m) continue;
    const span = m[1].trim();
    if (!span.includes("(")) continue;
    const code = span.replace(/\s*\/\/.*$/, "");
    let statement;
    if (ELIDED.test(code)) statement = code.replace(/\.\.\.$/, "{}");
    else if (/[;)]$/.test(code)) statement = span;
    else continue;
    examples.push({ code: statement + "\n", line: lineAt[m.index], kind: "inline" });
  }
  return examples;
}

/** The names a module exports at its top level: declarations, and names in `export { ... }` lists. */
export function exportedNames(source) {
  const names = new Set();
  for (const m of source.matchAll(/^(?:@\w+(?:\([^)]*\))?\s+)*export\s+(?:declare\s+)?(?:abstract\s+)?(?:function|class|const|let|var|enum|type|interface|namespace)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  for (const m of source.matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop().trim();
      if (name) names.add(name);
    }
  }
  return [...names];
}

/** Every example of the repository: { source, line, code, kind, path? } plus the json configs. */
export function collect(root) {
  const markdown = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => "docs/" + f)];
  const code = [];
  const configs = [];
  for (const file of markdown) {
    for (const b of markdownBlocks(readFileSync(join(root, file), "utf8"))) {
      if (b.lang === "ts") code.push({ source: file, line: b.line, code: b.code, kind: "block", path: b.path });
      else if (b.lang === "json" && configKind(b.code)) configs.push({ source: file, line: b.line, code: b.code, kind: configKind(b.code) });
    }
  }
  const files = readdirSync(join(root, "assembly")).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && f !== "messages.ts").sort();
  for (const f of files) {
    for (const e of docExamples(readFileSync(join(root, "assembly", f), "utf8"))) code.push({ source: "assembly/" + f, ...e });
  }
  return { markdown, files: files.map((f) => "assembly/" + f), code, configs };
}
