"""Errors for code that cannot be a component; located warnings for values that cannot be known."""
from __future__ import annotations

import hashlib

import pytest

from emulator.props.extract import Diagnostic, ExtractionError, extract_code, extract_file


def test_syntax_error_names_line_and_column(write):
    path = write("broken.mjs", 'export default {\n  props: {\n    a: { type: "string" label: "A" },\n  },\n};\n')
    with pytest.raises(ExtractionError) as caught:
        extract_file(path)
    assert (caught.value.diagnostic.line, caught.value.diagnostic.column) == (3, 25)
    assert str(caught.value).startswith(f"{path}:3:25: syntax error")


def test_missing_token_is_located():
    with pytest.raises(ExtractionError) as caught:
        extract_code("const x = 1;\nexport default foo(;\n")
    assert (caught.value.diagnostic.file, caught.value.diagnostic.line) == ("<inline>", 2)


def test_code_without_component_export_is_an_error():
    with pytest.raises(ExtractionError, match="no component export"):
        extract_code("export const props = {};")


def test_computed_value_warns_with_location_and_keeps_the_rest():
    extraction = extract_code('export default {\n  key: "k",\n  props: {\n'
                              '    a: { type: "string", label: buildLabel(), optional: true },\n'
                              '    b: { type: "integer" },\n  },\n};\n')
    assert extraction.configurable_props == [{"name": "a", "type": "string", "optional": True},
                                             {"name": "b", "type": "integer"}]
    assert extraction.needs_completion
    [warning] = extraction.warnings
    assert (warning.file, warning.line, warning.column) == ("<inline>", 4, 33)
    assert "prop 'a' label" in warning.message and "buildLabel()" in warning.message


def test_computed_prop_name_warns():
    extraction = extract_code("export default { props: { [makeName()]: 'x', b: '$.service.db' } };")
    assert extraction.configurable_props == [{"name": "b", "type": "$.service.db"}]
    assert extraction.needs_completion and extraction.warnings[0].column == 28


def test_unresolvable_import_warns_at_the_import(write):
    path = write("c.mjs", 'import { LABEL } from "./missing.mjs";\n'
                          'export default { props: { a: { type: "string", label: LABEL } } };\n')
    extraction = extract_file(path)
    assert extraction.warnings[0] == Diagnostic("cannot find module './missing.mjs'", path, 1, 1)
    assert extraction.configurable_props == [{"name": "a", "type": "string"}]


def test_imported_file_with_syntax_error_warns(write):
    write("bad.mjs", "export const x = ;\n")
    path = write("c.mjs", 'import { x } from "./bad.mjs";\nexport default { props: { a: { type: "string" } } };\n')
    [warning] = extract_file(path).warnings
    assert warning.line == 1 and "./bad.mjs" in warning.message and "bad.mjs:1:" in warning.message


def test_inline_code_warns_once_per_relative_import():
    extraction = extract_code("""import app from "./app.mjs";
import { a, b } from "../constants.mjs";
export default { props: { app, x: { type: "string", label: a, description: b } } };
""")
    assert [(w.line, w.message) for w in extraction.warnings] == [
        (1, "relative import './app.mjs' is not followed for inline code"),
        (2, "relative import '../constants.mjs' is not followed for inline code"),
    ]
    assert extraction.configurable_props == [{"name": "x", "type": "string"}]
    assert extraction.imported_files == []


def test_package_imports_unused_in_props_do_not_warn():
    extraction = extract_code('import { axios } from "@pipedream/platform";\nimport _ from "lodash";\n'
                              'export default { props: {}, async run() { await axios(this, {}); } };')
    assert extraction.warnings == [] and not extraction.needs_completion


def test_code_hash_is_the_sha256_of_the_code_and_stable():
    code = 'export default { name: "é" };\n'
    first, second = extract_code(code), extract_code(code)
    assert first.code_hash == second.code_hash == hashlib.sha256(code.encode("utf-8")).hexdigest()


def test_diagnostic_to_api():
    assert Diagnostic("m", "f.mjs", 2, 3).to_api() == {"message": "m", "file": "f.mjs", "line": 2, "column": 3}


MODERN = """
import app from "@pipedream/platform";
class Poller { #seen = new Set(); static limit = 10; get count() { return this.#seen.size; } }
async function* pages(client) { let cursor; do { const r = await client.list(cursor); yield* r.items; cursor = r.next; } while (cursor); }
export default {
  props: { a: { type: "string", label: `A ${1 + 1}` } },
  async run() {
    const opts = this.opts ?? {};
    opts.limit ||= 10; opts.page &&= 1; opts.x ??= 2;
    for await (const item of pages(this.app)) { console.log(item?.id, item?.["name"], item?.fn?.()); }
    try { JSON.parse("x"); } catch { return; }
    const big = 10_000n, re = /a(?<name>b)/u, { a, ...rest } = opts;
    label: for (const x of [1]) { break label; }
    return import("./lazy.mjs");
  },
};
"""


def test_modern_syntax_parses():
    assert extract_code(MODERN).configurable_props == [{"name": "a", "type": "string", "label": "A 2"}]
