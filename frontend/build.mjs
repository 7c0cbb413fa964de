// Build the workbench's browser assets into the Python package (run by `make assets`).
//
//   src/workbench.js, src/editor.js, src/workbench.css -> ../src/detente/web/static/
//   axe-core (accessibility checks, used by the browser tests only) -> ../tests/web/pages/vendor/
//
// The output is committed, so that `pip install detente[web]` needs no Node.js.

import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "detente", "web", "static");
const vendor = join(here, "..", "tests", "web", "pages", "vendor");
mkdirSync(out, { recursive: true });
mkdirSync(vendor, { recursive: true });

const result = await build({
  metafile: true,
  entryPoints: [join(here, "src", "workbench.js"), join(here, "src", "editor.js"), join(here, "src", "workbench.css")],
  outdir: out,
  bundle: true,
  format: "esm",
  minify: true,
  target: ["es2020"],
  legalComments: "linked",
  charset: "utf8",
  logLevel: "warning",
});

// The licences of every npm package inside the bundles, beside them.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) packages.add(m[1]);
}
const notices = [...packages].sort().map((name) => {
  const dir = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = ["LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE"].map((f) => join(dir, f)).find(existsSync);
  const text = file ? readFileSync(file, "utf8").trim() : `License: ${meta.license}`;
  return `${name} ${meta.version} (${meta.license})\n\n${text}\n`;
});
writeFileSync(join(out, "THIRD-PARTY-LICENSES.txt"),
  "Third-party packages bundled into workbench.js and editor.js (built by `make assets`).\n\n" +
  notices.join("\n" + "-".repeat(72) + "\n\n"));

copyFileSync(join(here, "src", "favicon.svg"), join(out, "favicon.svg"));
copyFileSync(join(here, "node_modules", "axe-core", "axe.min.js"), join(vendor, "axe.min.js"));
const version = JSON.parse(readFileSync(join(here, "node_modules", "axe-core", "package.json"), "utf8")).version;
console.log(`axe-core ${version} -> tests/web/pages/vendor/axe.min.js`);
for (const name of ["workbench.js", "editor.js", "workbench.css"]) {
  console.log(`${name}: ${(statSync(join(out, name)).size / 1024).toFixed(1)} KiB`);
}
