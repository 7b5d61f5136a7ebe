"""`pd-emulator check FILE...` output and exit codes."""
from __future__ import annotations

import io
import json
import shutil

import pytest

from emulator.props.check import check_command
from emulator.sandbox.props_import import import_with_node_sync

SIMPLE = """
    export default {
      key: "acme-new", name: "New Item", version: "0.0.1", type: "source", dedupe: "unique",
      props: { db: "$.service.db", url: { type: "string", label: "Feed URL" } },
      async run() {},
    };
"""
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


def run_check(paths: list[str], fmt: str = "text") -> tuple[int, str]:
    out = io.StringIO()
    return check_command(paths, fmt=fmt, out=out, import_with_node=import_with_node_sync), out.getvalue()


def test_text_output_shows_metadata_and_props(write):
    code, text = run_check([write("c.mjs", SIMPLE)])
    assert code == 0
    assert "key:         acme-new" in text and "dedupe:      unique" in text
    assert "url                  string  label=\"Feed URL\"" in text


def test_json_output_is_one_object_per_file(write):
    code, text = run_check([write("a.mjs", SIMPLE), write("b.mjs", SIMPLE)], fmt="json")
    lines = [json.loads(line) for line in text.splitlines()]
    assert code == 0 and len(lines) == 2
    assert lines[0]["key"] == "acme-new" and lines[0]["configurable_props"][0] == {"name": "db", "type": "$.service.db"}


def test_failing_file_exits_1_naming_file_line_and_column(write):
    good, bad = write("good.mjs", SIMPLE), write("bad.mjs", "export default {\n  props: {,\n};\n")
    code, text = run_check([good, bad])
    assert code == 1 and f"{bad}:2:" in text and "acme-new" in text


@needs_node
def test_same_result_as_node_is_reported(write):
    assert "node: same metadata and props" in run_check([write("c.mjs", SIMPLE)])[1]


@needs_node
def test_differences_from_node_are_listed(write):
    path = write("c.mjs", """
        const label = ["Feed", "URL"].reduce((a, b) => `${a} ${b}`);
        export default { props: { url: { type: "string", label } } };
    """)
    code, text = run_check([path], fmt="json")
    node = json.loads(text)["node"]
    assert code == 0 and node["ok"]
    assert node["differences"] == ["prop 'url' label: static null, node \"Feed URL\""]


def test_an_unknown_prop_type_is_warned_about_where_it_is_written(write):
    path = write("typo.mjs", """
        export default {
          key: "typo", version: "0.0.1", type: "source",
          props: {
            url: { type: "strnig", label: "URL" },
            base: { type: "$.airtable.baseId" },
            hook: { type: "$.interface.htttp" },
          },
          async run() {},
        };
    """)
    code, text = run_check([path])
    assert code == 0
    warnings = [line for line in text.splitlines() if "warning:" in line]
    assert len(warnings) == 2                  # `$.airtable.baseId` is an app-specific type, not a typo
    assert warnings[0].startswith(f"  warning: {path}:4:18: prop 'url' has the unknown type 'strnig'")
    assert warnings[1].startswith(f"  warning: {path}:6:19: prop 'hook' has the unknown type '$.interface.htttp'")


@needs_node
def test_a_module_failing_after_its_import_does_not_stop_the_others(write):
    late = write("late.mjs", 'Promise.reject(new Error("a native addon could not load"));\n'
                             'setTimeout(() => { throw new Error("thrown later"); }, 0);\n' + SIMPLE)
    results = import_with_node_sync([late, write("next.mjs", SIMPLE)])
    assert [r["ok"] for r in results] == [True, True]
    assert results[1]["key"] == "acme-new"
