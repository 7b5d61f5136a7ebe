"""complete_with_node: Node imports the module in its own process and fills in what static reading cannot."""
from __future__ import annotations

import shutil

import pytest

from emulator.props.extract import extract_file
from emulator.sandbox.props_import import complete_with_node

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

COMPUTED = """
    function buildLabel() {
      const words = [];
      for (const word of ["Feed", "URL"]) words.push(word);
      return words.join(" ");
    }
    export default {
      key: "computed", version: "0.0.1", type: "source",
      props: { url: { type: "string", label: buildLabel(), async options() { return []; } }, db: "$.service.db" },
      async run() {},
    };
"""


async def test_computed_value_is_completed_by_node(write):
    path = write("computed.mjs", COMPUTED)
    static = extract_file(path)
    assert static.needs_completion and "label" not in static.configurable_props[0]
    completed = await complete_with_node(path, static)
    assert completed.completed_by_node
    assert completed.configurable_props == [
        {"name": "url", "type": "string", "label": "Feed URL", "remoteOptions": True},
        {"name": "db", "type": "$.service.db"}]
    assert (completed.key, completed.version, completed.type) == ("computed", "0.0.1", "source")
    assert "completed by importing the module in Node" in completed.warnings[-1].message


async def test_node_resolves_prop_definitions_like_the_static_side(write):
    write("acme.app.mjs", "export default { type: 'app', app: 'acme', propDefinitions: "
                          "{ id: { type: 'string', label: 'Id', options: () => [] } } };\n")
    path = write("c.mjs", "import acme from './acme.app.mjs';\n"
                          "export default { props: { acme, id: { propDefinition: [acme, 'id'], optional: true } } };\n")
    static = extract_file(path)
    completed = await complete_with_node(path, static)
    assert completed.configurable_props == static.configurable_props


async def test_module_that_throws_keeps_the_static_extraction(write):
    path = write("throws.mjs", "throw new Error('boom');\nexport default { props: { a: { type: 'string' } } };\n")
    static = extract_file(path)
    completed = await complete_with_node(path, static)
    assert not completed.completed_by_node
    assert completed.configurable_props == static.configurable_props
    assert "boom" in completed.warnings[-1].message


async def test_module_that_never_finishes_importing_times_out(write):
    path = write("loops.mjs", "while (true) {}\nexport default { props: {} };\n")
    completed = await complete_with_node(path, extract_file(path), timeout_s=0.5)
    assert not completed.completed_by_node and "within 0.5 s" in completed.warnings[-1].message


async def test_without_node_the_static_extraction_is_kept(write, monkeypatch):
    path = write("c.mjs", COMPUTED)
    monkeypatch.setenv("PATH", "")
    completed = await complete_with_node(path, extract_file(path))
    assert not completed.completed_by_node and "`node` is not on PATH" in completed.warnings[-1].message


async def test_a_denied_read_while_importing_names_the_path_and_why(write, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    secret.write_text("s3cret")
    path = write("reads.mjs", f"import fs from 'node:fs';\nconst text = fs.readFileSync({str(secret)!r}, 'utf8');\n"
                              "export default { props: { a: { type: 'string', label: text.trim() } } };\n")
    completed = await complete_with_node(path, extract_file(path))
    assert not completed.completed_by_node
    assert f"reading {secret} is denied (it is outside what this component may read" in completed.warnings[-1].message
