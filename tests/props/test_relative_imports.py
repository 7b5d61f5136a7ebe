"""Constants, spreads and member paths followed into relative ES and CommonJS modules."""
from __future__ import annotations

import os
import subprocess

from emulator.props.extract import extract_file


def test_whole_component_spread_from_another_source_file(write):
    write("common/base.mjs", """
        import { DEFAULT_POLLING_SOURCE_TIMER_INTERVAL as every } from "@pipedream/platform";
        export default { type: "source", dedupe: "last",
          props: { db: "$.service.db", timer: { type: "$.interface.timer", default: { intervalSeconds: every } } } };
    """)
    path = write("new/new.mjs", """
        import base from "../common/base.mjs";
        export default { ...base, key: "k", props: { ...base.props, url: { type: "string" } } };
    """)
    extraction = extract_file(path)
    assert (extraction.key, extraction.type, extraction.dedupe) == ("k", "source", "last")
    assert [p["name"] for p in extraction.configurable_props] == ["db", "timer", "url"]


def test_member_path_prop_from_another_file(write):
    write("other.mjs", "export default { props: { db: '$.service.db', http: { type: '$.interface.http' } } };\n")
    path = write("c.mjs", """
        import other from "./other.mjs";
        export default { props: { db: other.props.db, h: other.props.http } };
    """)
    assert extract_file(path).configurable_props == [
        {"name": "db", "type": "$.service.db"}, {"name": "h", "type": "$.interface.http"}]


def test_named_imports_export_const_and_reexports(write):
    write("constants.mjs", """
        export const LABEL = "Feed";
        const limits = { min: 1, max: 10 };
        export { limits as LIMITS };
        export default { SUFFIX: " URL" };
    """)
    write("index.mjs", 'export * from "./constants.mjs";\nexport { default as extra } from "./constants.mjs";\n')
    path = write("c.mjs", """
        import { LABEL, LIMITS, extra } from "./index.mjs";
        import * as all from "./constants.mjs";
        export default { props: { n: { type: "integer", label: LABEL + extra.SUFFIX, ...LIMITS, max: all.LIMITS.max + 1 } } };
    """)
    assert extract_file(path).configurable_props == [
        {"name": "n", "type": "integer", "label": "Feed URL", "min": 1, "max": 11}]


def test_commonjs_require_of_relative_files(write):
    write("lib/constants.js", "exports.LABEL = 'Feed URL';\nmodule.exports.TYPE = 'string';\n")
    write("lib/common.js", "module.exports = { props: { db: '$.service.db' } };\n")
    path = write("rss.js", """
        const common = require("./lib/common");
        const { LABEL, TYPE } = require("./lib/constants.js");
        module.exports = { name: "rss", props: { ...common.props, url: { type: TYPE, label: LABEL } } };
    """)
    assert extract_file(path).configurable_props == [
        {"name": "db", "type": "$.service.db"}, {"name": "url", "type": "string", "label": "Feed URL"}]


def test_json_files_are_read(write):
    write("options.json", '{"choices": ["a", "b"]}')
    path = write("c.mjs", """
        import data from "./options.json" with { type: "json" };
        export default { props: { c: { type: "string", options: data.choices } } };
    """)
    assert extract_file(path).configurable_props == [{"name": "c", "type": "string", "options": ["a", "b"]}]


def test_imported_files_lists_every_followed_relative_file(write, tmp_path):
    write("acme.app.mjs", "import constants from './constants.mjs';\nexport default { type: 'app', app: 'acme' };\n")
    write("constants.mjs", "export default {};\n")
    path = write("sources/c.mjs", "import acme from '../acme.app.mjs';\nimport x from 'lodash';\n"
                                  "export default { props: { acme } };\n")
    assert extract_file(path).imported_files == [
        os.path.join(tmp_path, "acme.app.mjs"), os.path.join(tmp_path, "constants.mjs")]


FOLDER_IMPORT = """
    const { LABEL } = require("./lib");
    module.exports = { name: "folder-import", version: "0.0.1", props: { url: { type: "string", label: LABEL } },
                       async run() {} };
"""


def test_a_folder_import_reads_the_index_file_node_loads(write, tmp_path):
    write("lib/index.mjs", "export const LABEL = 'from index.mjs';\n")
    write("lib/index.js", "exports.LABEL = 'from index.js';\n")
    path = write("folder-import.js", FOLDER_IMPORT)
    node = subprocess.run(["node", "-e", f"console.log(require({path!r}).props.url.label)"],
                          capture_output=True, text=True, timeout=30, check=True)
    assert node.stdout.strip() == "from index.js"
    assert extract_file(path).configurable_props == [{"name": "url", "type": "string", "label": "from index.js"}]
    assert extract_file(path).imported_files == [str(tmp_path / "lib" / "index.js")]
