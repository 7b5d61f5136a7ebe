"""Values computed without running code: literals, operators, and calls whose result follows from them."""
from __future__ import annotations

from emulator.props.extract import extract_code


def attribute(expression: str, prelude: str = "") -> object:
    """The JSON value extraction gives for `expression` as a prop attribute (absent → "<absent>")."""
    extraction = extract_code(f"{prelude}\nexport default {{ props: {{ p: {{ type: 'string', v: {expression} }} }} }};")
    return extraction.configurable_props[0].get("v", "<absent>")


def test_literals():
    assert attribute('["a", 1, 1.5, 0x10, 1_000, 1e3, true, null]') == ["a", 1, 1.5, 16, 1000, 1000, True, None]


def test_string_escapes():
    assert attribute(r"'tab\there \u00e9 \x41 \u{1F600} \'q\''") == "tab\there é A \U0001F600 'q'"


def test_template_strings_with_substitutions():
    assert attribute("`Every ${n / 60} minutes, ${[1, 2]} ${x.y}`", "const n = 900; const x = { y: 'ok' };") \
        == "Every 15 minutes, 1,2 ok"


def test_unary_minus_and_arithmetic():
    assert attribute("[-1, -n, +'3', 2 ** 10, 7 % 3, 1 / 4]", "const n = 5;") == [-1, -5, 3, 1024, 1, 0.25]


def test_string_concatenation():
    assert attribute("'Feed ' + 'URL ' + 2 + 1") == "Feed URL 21"


def test_logical_and_ternary_operators():
    assert attribute("[a ?? 'd', b || 'e', a && 'f', b ? 'g' : 'h', typeof a, a === undefined]",
                     "const a = null; const b = '';") == ["d", "e", None, "h", "object", False]


def test_nested_objects_and_spread_arrays():
    assert attribute("{ list: [...base, 3], inner: { ...extra, k: 1 } }",
                     "const base = [1, 2]; const extra = { j: 0 };") == {"list": [1, 2, 3], "inner": {"j": 0, "k": 1}}


def test_destructuring_with_defaults_and_rest():
    assert attribute("[a, c, d, rest]", "const { a, b: { c } = { c: 2 }, d = 4, ...rest } = { a: 1, e: 5 };") \
        == [1, 2, 4, {"e": 5}]


def test_object_entries_mapped_to_options():
    assert attribute("Object.entries(TOPICS).map(([value, label]) => ({ label, value }))",
                     "const TOPICS = { A: 'app/a', B: 'app/b' };") == [
        {"label": "app/a", "value": "A"}, {"label": "app/b", "value": "B"}]


def test_pure_helper_function_is_evaluated():
    prelude = "const interval = (fast) => { let day = 24 * 60 * 60; return fast ? day / 2 : day * 2; };"
    assert attribute("interval()", prelude) == 172800


def test_string_methods_with_regular_expressions():
    prelude = "function oneLine(s) { return s.trim().replace(/\\n/g, ' ').replace(/\\s{2,}/g, ' '); }"
    assert attribute("oneLine(`\n  Emit new   events\n  when ready  `)", prelude) == "Emit new events when ready"


def test_json_stringify_matches_javascript_spacing():
    assert attribute("JSON.stringify({ a: [1, { b: 2 }] }, null, 2)") == '{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ]\n}'


def test_functions_with_side_effects_are_not_run():
    extraction = extract_code("""
        let calls = 0;
        function counted() { calls += 1; return calls; }
        export default { props: { p: { type: "integer", default: counted() } } };
    """)
    assert extraction.configurable_props == [{"name": "p", "type": "integer"}]
    assert extraction.needs_completion and "counted()" in extraction.warnings[0].message


def test_getters_and_this_are_unknown():
    extraction = extract_code("export default { get label() { return 'x'; }, props: { p: { type: 'string', "
                              "label: this.label } } };")
    assert extraction.configurable_props == [{"name": "p", "type": "string"}] and extraction.needs_completion


def test_values_of_unknown_packages_are_unknown():
    assert attribute("_.capitalize('x')", "import _ from 'lodash';") == "<absent>"


def test_constants_changed_by_top_level_code_are_unknown():
    extraction = extract_code("""
        const base = { a: { type: "string" } };
        base.b = { type: "integer" };
        export default { props: { ...base } };
    """)
    assert extraction.configurable_props == [] and "changed by top-level code" in extraction.warnings[0].message
