// Bundles the installed @pipedream/platform (with axios and its other dependencies) into platform.cjs,
// with its licence and its dependencies' licences beside it. Run by build.sh from its temporary npm
// folder (the working directory): `node platform-build.mjs <vendor folder>`.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as esbuild from "esbuild";

const vendor = process.argv[2];
const require = createRequire(path.resolve("package.json"));
const platformVersion = require("@pipedream/platform/package.json").version;
const NOTICE = "This software is made available by Pipedream, Inc., under the terms of the Pipedream Source "
  + "Available License, Version 1.0 located at https://github.com/PipedreamHQ/pipedream/blob/master/LICENSE. "
  + "By installing, downloading, accessing, using or distributing the Software, you agree to the terms of "
  + "such License Agreement.";

// The entry re-exports the package's own export names, so esbuild writes them in the form Node's
// cjs-module-lexer reads: `import { axios } from "@pipedream/platform"` works from ES modules too.
const names = Object.keys(require("@pipedream/platform"));
fs.writeFileSync("platform-entry.mjs", `export { ${names.join(", ")} } from "@pipedream/platform";\n`);

// JSON files (mime-db's ~200 KB table, twice) as JSON.parse of a string: V8 reads that much faster than
// the object literal esbuild writes by default, which shortens every worker's load of the bundle.
const jsonAsParse = {
  name: "json-as-parse",
  setup(build) {
    build.onLoad({ filter: /\.json$/ }, async ({ path: file }) => {
      const text = JSON.stringify(JSON.parse(await fs.promises.readFile(file, "utf8")));
      return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});`, loader: "js" };
    });
  },
};

const banner = [
  `// @pipedream/platform ${platformVersion} with its dependencies (axios, fp-ts, io-ts, mime-types, uuid, …),`,
  "// bundled unmodified by esbuild (build.sh, platform-build.mjs in pd-emulator's sandbox/node/vendor): do not edit.",
  `// ${NOTICE}`,
  "// Licence: LICENSE-platform.txt beside this file (Pipedream Source Available License 1.0, which excludes",
  "// commercial use); the bundled dependencies' licences: LICENSE-platform-dependencies.txt.",
].join("\n");

const result = await esbuild.build({
  entryPoints: ["platform-entry.mjs"], bundle: true, format: "cjs", platform: "node", target: "node18",
  legalComments: "eof", outfile: path.join(vendor, "platform.cjs"), banner: { js: banner },
  plugins: [jsonAsParse], metafile: true, logLevel: "warning",
});

// The face ES modules import: it require()s the bundle, so Node need not scan 0.8 MB of CommonJS for
// export names (cjs-module-lexer), which made each worker's import about 60 ms slower.
fs.writeFileSync(path.join(vendor, "platform.mjs"), [
  "// The ES module face of platform.cjs (see that file's banner for its licence), written by platform-build.mjs.",
  "import { createRequire } from \"node:module\";",
  "",
  "const platform = createRequire(import.meta.url)(\"./platform.cjs\");",
  "export default platform;",
  `export const { ${names.join(", ")} } = platform;`,
  "",
].join("\n"));

fs.copyFileSync(require.resolve("@pipedream/platform/LICENSE"), path.join(vendor, "LICENSE-platform.txt"));

/** The folder of each package that has a file in the bundle (node_modules/a/node_modules/b → that b). */
function bundledPackages(metafile) {
  const folders = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (match) folders.add(match[1]);
  }
  return [...folders].sort();
}

function licenceText(folder) {
  const file = fs.readdirSync(folder).find((name) => /^licen[cs]e/i.test(name));
  if (file) return fs.readFileSync(path.join(folder, file), "utf8").trim();
  const readme = fs.readdirSync(folder).find((name) => /^readme/i.test(name));
  const text = readme ? fs.readFileSync(path.join(folder, readme), "utf8") : "";
  const section = text.search(/^(#+\s*licen[cs]e|licen[cs]e\n[-=]+$)/im);  // ATX or setext heading
  if (section < 0) throw new Error(`${folder}: no licence file and no licence section in its README`);
  return `(from its README)\n${text.slice(section).trim()}`;
}

const sections = bundledPackages(result.metafile)
  .filter((folder) => !folder.endsWith("node_modules/@pipedream/platform"))
  .map((folder) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8"));
    return `${"=".repeat(78)}\n${manifest.name}@${manifest.version} (${manifest.license})\n${"=".repeat(78)}\n\n`
      + `${licenceText(folder)}\n`;
  });
fs.writeFileSync(path.join(vendor, "LICENSE-platform-dependencies.txt"),
  `The packages bundled into platform.cjs beside @pipedream/platform ${platformVersion} (whose own licence is `
  + "LICENSE-platform.txt), each with its licence as published.\n\n" + sections.join("\n"));
