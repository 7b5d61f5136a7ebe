"""A component file goes without the resolve hooks only when its imports provably never need our stand-ins."""
from __future__ import annotations

from emulator.sandbox.import_scan import ImportNeeds, needs_resolve_hooks, scan_imports


def test_a_component_without_imports_needs_no_hooks(write_file):
    assert not needs_resolve_hooks(str(write_file("s.mjs", "export default { async run() {} };")))


def test_node_builtins_need_no_hooks(write_file):
    file = write_file("s.mjs", """
        import fs from "node:fs";
        import { format } from "util";
        const path = require("path");
        export default { async run() { await import("node:crypto"); } };
    """)
    assert not needs_resolve_hooks(str(file))


def test_a_platform_import_needs_the_hooks(write_file):
    assert needs_resolve_hooks(str(write_file("s.mjs", 'import { axios } from "@pipedream/platform";')))


def test_a_platform_import_in_a_relative_import_needs_the_hooks(write_file):
    write_file("acme/common/base.mjs", 'import { axios } from "@pipedream/platform";\nexport default {};')
    write_file("acme/acme.app.mjs", 'import base from "./common/base.mjs";\nexport default { base };')
    assert needs_resolve_hooks(str(write_file("acme/sources/s.mjs", 'import acme from "../acme.app.mjs";')))


def test_commonjs_require_of_the_platform_needs_the_hooks(write_file):
    assert needs_resolve_hooks(str(write_file("s.js", 'const { axios } = require("@pipedream/platform");')))


def test_a_platform_installed_up_the_folders_needs_no_hooks(write_file):
    write_file("node_modules/@pipedream/platform/package.json", '{"name": "@pipedream/platform"}')
    assert not needs_resolve_hooks(str(write_file("acme/s.mjs", 'import { axios } from "@pipedream/platform";')))


def test_a_package_import_needs_the_hooks_unless_both_stand_ins_are_installed(write_file):
    source = write_file("s.mjs", 'import _ from "lodash";')
    assert needs_resolve_hooks(str(source))
    for name in ("platform", "types"):
        write_file(f"node_modules/@pipedream/{name}/package.json", "{}")
    assert not needs_resolve_hooks(str(source))


def test_an_import_built_at_run_time_needs_the_hooks(write_file):
    assert needs_resolve_hooks(str(write_file("s.mjs", "export default { async run(n) { await import(n); } };")))


def test_a_missing_relative_import_needs_the_hooks(write_file):
    assert needs_resolve_hooks(str(write_file("s.mjs", 'import helper from "./missing.mjs";')))


def test_a_folder_import_is_followed_into_the_index_file_node_loads(write_file):
    write_file("lib/index.mjs", "export const LABEL = 'no platform here';")
    write_file("lib/index.js", 'const { axios } = require("@pipedream/platform");\nexports.LABEL = "x";')
    assert needs_resolve_hooks(str(write_file("s.js", 'const { LABEL } = require("./lib");')))


def test_an_import_in_a_comment_or_a_string_is_not_an_import(write_file):
    file = write_file("s.mjs", """
        // import { axios } from "@pipedream/platform";
        /* const x = require("lodash"); */
        export default { description: 'call require("lodash") yourself', async run() {} };
    """)
    assert not needs_resolve_hooks(str(file))


def test_code_made_from_text_needs_the_hooks(write_file):
    assert needs_resolve_hooks(str(write_file("s.mjs", "export default { async run() { new Function('x')(); } };")))


def test_a_platform_import_two_files_away_is_answered_by_the_bundle(write_file):
    write_file("acme/common/base.mjs", 'import { axios } from "@pipedream/platform";\nexport default {};')
    write_file("acme/acme.app.mjs", 'import { x } from "lodash";\nimport base from "./common/base.mjs";\nexport default {};')
    source = write_file("acme/sources/s.mjs", 'import acme from "../acme.app.mjs";')
    assert scan_imports(str(source)) == ImportNeeds(resolve_hooks=True, bundled_platform=True)


def test_an_installed_platform_is_not_the_bundle(write_file):
    write_file("node_modules/@pipedream/platform/package.json", '{"name": "@pipedream/platform"}')
    source = write_file("acme/s.mjs", 'import { axios } from "@pipedream/platform";\nimport { defineApp } from "@pipedream/types";')
    assert scan_imports(str(source)) == ImportNeeds(resolve_hooks=True, bundled_platform=False)
