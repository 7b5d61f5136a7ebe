"""`this` inside a component: props, methods, app credentials, db, $emit, hooks, env."""
from __future__ import annotations

import pytest

from emulator.sandbox import SandboxLimits


async def test_run_receives_the_event_and_emits_in_call_order(host, invocation):
    code = """
    export default {
      async run(event) {
        for (const n of event.numbers) this.$emit({ n }, { id: n, summary: `#${n}` });
      },
    };
    """
    result = await host.invoke(invocation(code, event={"numbers": [3, 1, 2]}))
    assert result.outcome == "ok", result.error
    assert result.emits == [
        {"event": {"n": 3}, "metadata": {"id": 3, "summary": "#3"}},
        {"event": {"n": 1}, "metadata": {"id": 1, "summary": "#1"}},
        {"event": {"n": 2}, "metadata": {"id": 2, "summary": "#2"}},
    ]


async def test_props_are_on_this_and_missing_ones_take_their_default(host, invocation):
    code = """
    export default {
      props: {
        url: { type: "string" },
        limit: { type: "integer", default: 10 },
        timer: { type: "$.interface.timer", default: { intervalSeconds: 900 } },
      },
      async run() { this.$emit({ url: this.url, limit: this.limit, timer: this.timer }); },
    };
    """
    result = await host.invoke(invocation(code, props={"url": "https://example.com/feed"}))
    assert result.emits[0]["event"] == {
        "url": "https://example.com/feed", "limit": 10, "timer": {"intervalSeconds": 900},
    }


async def test_methods_are_bound_to_this(host, invocation):
    code = """
    export default {
      props: { name: { type: "string" } },
      methods: { greeting() { return `hello ${this.name}`; } },
      async run() {
        const detached = this.greeting;
        this.$emit({ text: detached() });
      },
    };
    """
    result = await host.invoke(invocation(code, props={"name": "ada"}))
    assert result.emits[0]["event"] == {"text": "hello ada"}


async def test_app_prop_has_its_auth_and_its_methods_bound_to_it(host, invocation):
    code = """
    const acme = {
      type: "app",
      app: "acme",
      methods: {
        authHeader() { return `Bearer ${this.$auth.api_key}`; },
      },
    };
    export default {
      props: { acme },
      async run() {
        const { authHeader } = this.acme;
        this.$emit({ header: authHeader(), auth: this.acme.$auth });
      },
    };
    """
    result = await host.invoke(invocation(code, props={"acme": {"$auth": {"api_key": "k-123"}}}))
    assert result.emits[0]["event"] == {"header": "Bearer k-123", "auth": {"api_key": "k-123"}}


async def test_db_reads_what_the_emulator_holds_and_reports_what_was_set(host, invocation):
    code = """
    export default {
      props: { db: "$.service.db" },
      async run() {
        const seen = this.db.get("seen") ?? [];
        this.db.set("seen", [...seen, "b"]);
        this.db.set("cursor", { page: 2 });
        this.$emit({ missing: this.db.get("nothing") ?? "absent" });
      },
    };
    """
    result = await host.invoke(invocation(code, db={"seen": ["a"], "untouched": 1}))
    assert result.db == {"seen": ["a", "b"], "untouched": 1, "cursor": {"page": 2}}
    assert result.db_changes == {"seen": ["a", "b"], "cursor": {"page": 2}}
    assert result.emits[0]["event"] == {"missing": "absent"}


async def test_db_get_returns_a_copy_so_mutating_it_changes_nothing(host, invocation):
    code = """
    export default {
      props: { db: "$.service.db" },
      async run() { this.db.get("list").push(99); },
    };
    """
    result = await host.invoke(invocation(code, db={"list": [1]}))
    assert result.db == {"list": [1]}
    assert result.db_changes == {}


async def test_db_set_to_undefined_removes_the_key(host, invocation):
    code = """
    export default {
      props: { db: "$.service.db" },
      async run() { this.db.set("token", undefined); },
    };
    """
    result = await host.invoke(invocation(code, db={"token": "abc", "keep": True}))
    assert result.db == {"keep": True}
    assert result.db_changes == {"token": None}


@pytest.mark.parametrize("hook", ["deploy", "activate", "deactivate"])
async def test_each_hook_runs_with_props_and_db(host, invocation, hook):
    code = """
    export default {
      props: { db: "$.service.db", label: { type: "string" } },
      hooks: {
        async deploy() { this.db.set("hook", `deploy:${this.label}`); },
        async activate() { this.db.set("hook", `activate:${this.label}`); },
        async deactivate() { this.db.set("hook", `deactivate:${this.label}`); },
      },
      async run() {},
    };
    """
    result = await host.invoke(invocation(code, hook, props={"label": "x"}))
    assert result.outcome == "ok", result.error
    assert result.db_changes == {"hook": f"{hook}:x"}


async def test_a_hook_the_component_lacks_succeeds_doing_nothing(host, invocation):
    result = await host.invoke(invocation("export default { async run() {} };", "activate"))
    assert result.outcome == "ok"
    assert result.emits == []


async def test_a_component_without_run_fails_its_run(host, invocation):
    result = await host.invoke(invocation("export default { hooks: {} };"))
    assert result.outcome == "error"
    assert "no run() method" in result.error["message"]


async def test_process_env_holds_only_the_invocation_env(host, invocation):
    code = """
    export default {
      async run() { this.$emit({ id: process.env.PD_COMPONENT, home: process.env.HOME ?? null }); },
    };
    """
    result = await host.invoke(invocation(code, env={"PD_COMPONENT": "dc_abc"}))
    assert result.emits[0]["event"] == {"id": "dc_abc", "home": None}


async def test_an_event_over_the_size_limit_is_rejected_and_logged(make_host, invocation):
    host = await make_host(SandboxLimits(timeout_s=5, max_event_bytes=100))
    code = """
    export default {
      async run() {
        this.$emit({ text: "x".repeat(500) }, { id: "big" });
        this.$emit({ text: "small" }, { id: "small" });
      },
    };
    """
    result = await host.invoke(invocation(code))
    assert result.outcome == "ok"
    assert [emit["metadata"]["id"] for emit in result.emits] == ["small"]
    assert any("over the 100-byte limit" in log["message"] for log in result.logs)
