"""Components load as ESM or CommonJS, inline or from their own file (with relative imports)."""
from __future__ import annotations


async def test_inline_commonjs_component_runs(host, invocation):
    code = """
    const { format } = require("node:util");
    module.exports = {
      async run(event) { this.$emit({ text: format("%s!", event) }); },
    };
    """
    result = await host.invoke(invocation(code, event="hi"))
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"text": "hi!"}


async def test_commonjs_js_file_runs_from_its_folder(host, write_file, component_file):
    write_file("rss/helper.js", "module.exports = { value: 42 };")
    inv = component_file("rss/source.js", """
        const helper = require("./helper.js");
        module.exports = { async run() { this.$emit({ value: helper.value }); } };
    """)
    result = await host.invoke(inv)
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"value": 42}


async def test_esm_syntax_in_a_js_file_runs_without_a_package_json(host, component_file):
    inv = component_file("plain/source.js", """
        import { format } from "node:util";
        export default { async run() { this.$emit({ text: format("%d", 7) }); } };
    """)
    result = await host.invoke(inv)
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"text": "7"}


async def test_esm_file_imports_its_relative_app_file(host, write_file, component_file):
    write_file("acme/acme.app.mjs", """
        export default {
          type: "app",
          app: "acme",
          methods: { baseUrl() { return `https://${this.$auth.domain}/api`; } },
        };
    """)
    inv = component_file("acme/sources/new-item/new-item.mjs", """
        import acme from "../../acme.app.mjs";
        export default {
          props: { acme },
          async run() { this.$emit({ url: this.acme.baseUrl() }); },
        };
    """, props={"acme": {"$auth": {"domain": "acme.test"}}})
    result = await host.invoke(inv)
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"url": "https://acme.test/api"}


async def test_cjs_extension_file_runs(host, component_file):
    inv = component_file("legacy/source.cjs", """
        module.exports = { async run(event) { this.$emit({ doubled: event * 2 }); } };
    """, event=21)
    result = await host.invoke(inv)
    assert result.emits[0]["event"] == {"doubled": 42}


async def test_error_stack_of_inline_code_points_at_the_component_line(host, invocation):
    code = "export default {\n  async run() {\n    throw new Error('boom');\n  },\n};\n"
    result = await host.invoke(invocation(code))
    assert result.outcome == "error"
    assert "component.mjs:3:" in result.error["stack"]
    assert "pd-sandbox-" not in result.error["stack"]
    assert "runner" not in result.error["stack"]


async def test_error_stack_of_a_file_names_the_file_and_line(host, component_file):
    inv = component_file("src/failing.mjs", "export default {\n  async run() {\n\n    null.x;\n  },\n};\n")
    result = await host.invoke(inv)
    assert result.outcome == "error"
    assert result.error["name"] == "TypeError"
    assert f"{inv.path}:4:" in result.error["stack"]


async def test_syntax_error_in_the_component_is_an_error_outcome(host, invocation, other_source_answers):
    result = await host.invoke(invocation("export default { async run() { this.$emit( } };"))
    assert result.outcome == "error"
    assert result.error["name"] == "SyntaxError"
    await other_source_answers(host)
