"""Metadata and configurable_props as the spec's static extraction rules give them."""
from __future__ import annotations

from emulator.props.extract import extract_code, extract_file


def props_of(code: str) -> list[dict]:
    return extract_code(code).configurable_props


def test_esm_default_export_gives_metadata():
    extraction = extract_code("""
        export default {
          key: "acme-new-item", name: "New Item", version: "0.0.3", description: "Emit new items",
          type: "source", dedupe: "unique", props: {}, async run() {},
        };
    """)
    assert (extraction.key, extraction.name, extraction.version, extraction.description,
            extraction.type, extraction.dedupe) == ("acme-new-item", "New Item", "0.0.3", "Emit new items",
                                                    "source", "unique")
    assert extraction.warnings == [] and not extraction.needs_completion


def test_missing_metadata_is_none():
    extraction = extract_code("export default { name: 'x', props: {} }")
    assert extraction.key is None and extraction.dedupe is None and extraction.configurable_props == []


def test_commonjs_module_exports_is_read():
    extraction = extract_code("""
        const intervalSeconds = 60 * 15;
        module.exports = {
          name: "rss", version: "0.0.1",
          props: { url: { type: "string", label: "Feed URL" }, timer: { type: "$.interface.timer",
                   default: { intervalSeconds } } },
          async run() {},
        };
    """)
    assert extraction.name == "rss"
    assert extraction.configurable_props == [
        {"name": "url", "type": "string", "label": "Feed URL"},
        {"name": "timer", "type": "$.interface.timer", "default": {"intervalSeconds": 900}},
    ]


def test_spreads_expand_where_they_stand():
    assert [p["name"] for p in props_of("""
        const base = { b: "$.service.db", c: "$.interface.http" };
        export default { props: { a: { type: "string" }, ...base, d: { type: "integer" } } };
    """)] == ["a", "b", "c", "d"]


def test_key_defined_again_keeps_first_position_and_takes_later_value():
    assert props_of("""
        const base = { a: { type: "string" }, b: { type: "string" } };
        export default { props: { ...base, c: { type: "boolean" }, a: { type: "integer" } } };
    """) == [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}, {"name": "c", "type": "boolean"}]


def test_integer_like_prop_names_come_first_as_in_object_entries():
    assert [p["name"] for p in props_of("export default { props: { b: 'x', 2: 'y', 1: 'z' } }")] == ["1", "2", "b"]


def test_prop_attributes_keep_source_order_after_name_and_type():
    prop = props_of("""
        export default { props: { q: { label: "Q", optional: true, type: "string", min: 1, secret: false } } };
    """)[0]
    assert list(prop) == ["name", "type", "label", "optional", "min", "secret"]


def test_string_props_become_their_type():
    assert props_of("export default { props: { db: '$.service.db', http: '$.interface.http' } }") == [
        {"name": "db", "type": "$.service.db"}, {"name": "http", "type": "$.interface.http"}]


def test_http_interface_keeps_its_attributes():
    assert props_of("export default { props: { http: { type: '$.interface.http', customResponse: true } } }") == [
        {"name": "http", "type": "$.interface.http", "customResponse": True}]


def test_timer_default_uses_platform_polling_interval():
    assert props_of("""
        import { DEFAULT_POLLING_SOURCE_TIMER_INTERVAL } from "@pipedream/platform";
        export default { props: { timer: { type: "$.interface.timer",
          default: { intervalSeconds: DEFAULT_POLLING_SOURCE_TIMER_INTERVAL } } } };
    """) == [{"name": "timer", "type": "$.interface.timer", "default": {"intervalSeconds": 900}}]


def test_inline_app_prop_gives_type_app_and_slug():
    assert props_of("export default { props: { acme: { type: 'app', app: 'acme', methods: {} } } }") == [
        {"name": "acme", "type": "app", "app": "acme"}]


def test_function_options_become_remote_options():
    props = props_of("""
        export default { props: {
          a: { type: "string", async options({ page }) { return []; }, label: "A" },
          b: { type: "string", options: async () => [] },
          c: { type: "string", options: ["x", { label: "Y", value: "y" }] },
        } };
    """)
    assert props == [
        {"name": "a", "type": "string", "remoteOptions": True, "label": "A"},
        {"name": "b", "type": "string", "remoteOptions": True},
        {"name": "c", "type": "string", "options": ["x", {"label": "Y", "value": "y"}]},
    ]


def test_other_function_values_are_dropped_like_json():
    assert props_of("""
        export default { props: { a: { type: "string", hooks: { deploy() {} }, validate: (v) => v, list: [() => 1] } } };
    """) == [{"name": "a", "type": "string", "hooks": {}, "list": [None]}]


def test_undefined_attributes_are_dropped():
    assert props_of("export default { props: { a: { type: 'string', default: undefined } } }") == [
        {"name": "a", "type": "string"}]


def test_component_from_file_matches_code(write):
    path = write("c.mjs", "export default { key: 'k', props: { db: '$.service.db' } };")
    assert extract_file(path).configurable_props == [{"name": "db", "type": "$.service.db"}]


def test_is_component_file_tells_components_from_apps_and_shared_files(write):
    from emulator.props.extract import is_component_file
    assert is_component_file(write("src.mjs", "export default { key: 'a-b', props: {}, async run() {} };"))
    assert is_component_file(write("rss.js", "module.exports = { name: 'rss', version: '0.0.1', async run() {} };"))
    assert not is_component_file(write("acme.app.mjs", "export default { type: 'app', app: 'acme', key: 'x' };"))
    assert not is_component_file(write("base.mjs", "export default { props: {}, async run() {} };"))
    assert not is_component_file(write("broken.mjs", "export default { key: 'a' "))
    assert not is_component_file(write("utils.mjs", "export const key = 'a';"))


def test_is_component_file_follows_a_named_default_export(write):
    from emulator.props.extract import is_component_file
    assert is_component_file(write("named.mjs", "const key = 'k';\nconst source = { key, async run() {} };\n"
                                                "export default source;\n"))
