"""`propDefinition: [app, "key", …]` resolved from the app file, whichever way the app is reached."""
from __future__ import annotations

import pytest

from emulator.props.extract import extract_file

APP = """
    export default {
      type: "app",
      app: "acme",
      propDefinitions: {
        projectId: {
          type: "integer",
          label: "Project",
          description: "The project",
          async options({ page }) { return this.listProjects(page); },
        },
        branch: { propDefinition: [null, "ignored"], type: "string", label: "Branch" },
        issue: { type: "string", label: "Issue" },
      },
      methods: { async listProjects() { return []; } },
    };
"""
PROJECT = {"name": "project", "type": "integer", "label": "Project", "description": "Own description",
           "remoteOptions": True, "optional": True}


@pytest.fixture
def app(write):
    return write("acme.app.mjs", APP)


def test_definition_from_imported_app_with_own_attributes_spread_over_it(write, app):
    path = write("sources/new/new.mjs", """
        import acme from "../../acme.app.mjs";
        export default { props: { acme,
          project: { propDefinition: [acme, "projectId"], description: "Own description", optional: true } } };
    """)
    assert extract_file(path).configurable_props == [{"name": "acme", "type": "app", "app": "acme"}, PROJECT]


def test_definition_through_member_path_app(write, app):
    write("sources/common.mjs", 'import acme from "../acme.app.mjs";\nexport default { props: { acme } };\n')
    path = write("sources/new.mjs", """
        import common from "./common.mjs";
        export default { props: { ...common.props,
          project: { propDefinition: [common.props.acme, "projectId"], description: "Own description",
                     optional: true } } };
    """)
    assert extract_file(path).configurable_props[1] == PROJECT


def test_definition_through_destructured_constant(write, app):
    write("sources/common.mjs", 'import acme from "../acme.app.mjs";\nexport default { props: { acme } };\n')
    path = write("sources/new.mjs", """
        import common from "./common.mjs";
        const { acme } = common.props;
        export default { props: {
          project: { propDefinition: [acme, "projectId"], description: "Own description", optional: true } } };
    """)
    assert extract_file(path).configurable_props == [PROJECT]


def test_definition_that_uses_a_definition_is_resolved_recursively(write):
    write("base.app.mjs", "export default { type: 'app', app: 'base', propDefinitions: "
                          "{ id: { type: 'string', label: 'Id', min: 1 } } };\n")
    write("acme.app.mjs", """
        import base from "./base.app.mjs";
        export default { type: "app", app: "acme", propDefinitions: {
          projectId: { propDefinition: [base, "id"], label: "Project" } } };
    """)
    path = write("c.mjs", """
        import acme from "./acme.app.mjs";
        export default { props: { p: { propDefinition: [acme, "projectId", (c) => ({ x: c.x })] } } };
    """)
    assert extract_file(path).configurable_props == [{"name": "p", "type": "string", "label": "Project", "min": 1}]


def test_prop_keeps_its_own_name_not_the_definition_key(write, app):
    path = write("c.mjs", """
        import acme from "./acme.app.mjs";
        export default { props: { myIssue: { propDefinition: [acme, "issue"] } } };
    """)
    assert extract_file(path).configurable_props == [{"name": "myIssue", "type": "string", "label": "Issue"}]


def test_app_prop_from_file_uses_the_app_files_slug(write, app):
    path = write("c.mjs", 'import whatever from "./acme.app.mjs";\nexport default { props: { whatever } };\n')
    assert extract_file(path).configurable_props == [{"name": "whatever", "type": "app", "app": "acme"}]
