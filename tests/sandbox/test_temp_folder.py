"""Every source's `/tmp`: a private, writable temp folder (os.tmpdir(), TMPDIR) that lasts as long
as its Node process, under a size limit, removed with the process."""
from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

from emulator.sandbox import SandboxLimits
from emulator.sandbox.temp_folder import make_temp_folder
from emulator.sandbox.temp_roots import make_root

TEMP_FILES = """
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
export default {
  async run(event) {
    const before = fs.existsSync("/tmp/note.txt") ? fs.readFileSync("/tmp/note.txt", "utf8") : null;
    fs.writeFileSync("/tmp/note.txt", `run ${event}`);
    await fs.promises.mkdir("/tmp/sub", { recursive: true });
    await fs.promises.writeFile(path.join(os.tmpdir(), "sub", "via-tmpdir.txt"), "through os.tmpdir()");
    let missing;
    try { fs.readFileSync("/tmp/never-written"); } catch (error) { missing = error.message; }
    this.$emit({
      before, tmpdir: os.tmpdir(), TMPDIR: process.env.TMPDIR, listing: fs.readdirSync("/tmp").sort(),
      viaTmp: fs.readFileSync("/tmp/sub/via-tmpdir.txt", "utf8"), missing,
    });
  },
};
"""


async def test_a_source_writes_and_reads_tmp_and_finds_its_files_in_its_next_run(host, invocation):
    first = await host.invoke(invocation(TEMP_FILES, event=1))
    assert first.outcome == "ok", first.error
    event = first.emits[0]["event"]
    assert event["before"] is None
    assert event["tmpdir"] == event["TMPDIR"] and event["tmpdir"] != "/tmp"
    assert Path(event["tmpdir"]).is_dir() and Path(event["tmpdir"]).parent == host._pool._root
    assert event["listing"] == ["note.txt", "sub"]
    assert event["viaTmp"] == "through os.tmpdir()"
    assert event["missing"] == "ENOENT: no such file or directory, open '/tmp/never-written'"
    assert (Path(event["tmpdir"]) / "note.txt").read_text() == "run 1"

    second = await host.invoke(invocation(TEMP_FILES, event=2))
    assert second.outcome == "ok", second.error
    assert second.emits[0]["event"]["before"] == "run 1"        # kept for the life of the worker


async def test_the_folder_goes_when_the_source_is_evicted_and_at_close(make_host, invocation):
    host = await make_host()
    folders = []
    for source_id in ("dc_evicted", "dc_closed"):
        result = await host.invoke(invocation(TEMP_FILES, source_id=source_id, event=1))
        assert result.outcome == "ok", result.error
        folders.append(Path(result.emits[0]["event"]["tmpdir"]))
    await host.evict("dc_evicted")
    for _ in range(100):
        if not folders[0].exists():
            break
        await asyncio.sleep(0.05)
    assert not folders[0].exists() and folders[1].exists()
    await host.close()
    assert not folders[1].exists()


async def test_writing_outside_tmp_stays_denied_naming_the_path(host, component_file, tmp_path):
    code = """
    import fs from "node:fs";
    export default {
      async run(event) {
        const tried = {};
        for (const target of event) {
          try { fs.writeFileSync(target, "x"); tried[target] = "written"; } catch (error) { tried[target] = error.message; }
        }
        for (const [target, link] of [["/etc/hostname", "/tmp/soft"], ["/etc/hostname", "/tmp/hard"]]) {
          try {
            (link.endsWith("soft") ? fs.symlinkSync : fs.linkSync)(target, link);
            tried[link] = fs.readFileSync(link, "utf8");
          } catch (error) { tried[link] = error.code; }
        }
        this.$emit(tried);
      },
    };
    """
    # Its own folder (readable where it is, even under /tmp) and paths that only look like /tmp.
    targets = [str(tmp_path / "out.txt"), "/var/tmp/out.txt", "/tmpx/out.txt", "/tmp/../var/tmp/out.txt"]
    result = await host.invoke(component_file("writer.mjs", code, event=targets))
    assert result.outcome == "ok", result.error
    tried = result.emits[0]["event"]
    for target in targets[:3]:
        assert tried[target] == (f"Access to this API has been restricted: writing {target} is denied (a component "
                                 "may write only under /tmp, which is os.tmpdir(); keep state in this.db)")
    assert "writing /var/tmp/out.txt is denied" in tried[targets[3]]
    assert not (tmp_path / "out.txt").exists()
    assert tried["/tmp/soft"] == tried["/tmp/hard"] == "ERR_ACCESS_DENIED"   # no link out of /tmp


async def test_a_component_folder_under_tmp_keeps_its_real_paths(host, write_file, component_file, tmp_path):
    # Paths the process may read where they are (its own folder) are not mapped into its /tmp.
    data = write_file("data.json", '{"from": "the component folder"}')
    inv = component_file("reader.mjs", """
    import fs from "node:fs";
    export default { async run(event) { this.$emit(JSON.parse(fs.readFileSync(event, "utf8"))); } };
    """, event=str(data))
    result = await host.invoke(inv)
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"from": "the component folder"}


WRITE_MB = """
import fs from "node:fs";
export default {
  async run(event) {
    const before = fs.readdirSync("/tmp");
    for (let part = 0; part < event.mb * 2; part++) {      // half-MB files: each under the file size limit
      fs.writeFileSync(`/tmp/big-${part}.bin`, Buffer.alloc(512 * 1024, 1));
    }
    const started = performance.now();
    while (performance.now() - started < event.linger_ms) await new Promise((done) => setImmediate(done));
    this.$emit({ before });
  },
};
"""


async def test_a_tmp_folder_over_the_limit_after_a_run_is_emptied_and_said(make_host, invocation):
    troubles: list[tuple[str, str]] = []
    host = await make_host(SandboxLimits(timeout_s=10.0, tmp_mb=1), on_trouble=lambda *said: troubles.append(said))
    result = await host.invoke(invocation(WRITE_MB, source_id="dc_big", event={"mb": 2, "linger_ms": 0}))
    assert result.outcome == "ok", result.error                  # the run stands
    expected = ("its /tmp folder holds at least 1.5 MB, over the 1 MB limit: its temp files were removed with its Node "
                "process; the next run starts with an empty /tmp")
    assert troubles == [("dc_big", expected)]
    assert result.logs[-1]["level"] == "warn" and result.logs[-1]["message"] == f"[{expected}]"
    again = await host.invoke(invocation(WRITE_MB, source_id="dc_big", event={"mb": 0, "linger_ms": 0}))
    assert again.outcome == "ok", again.error
    assert again.emits[0]["event"]["before"] == []


async def test_a_run_writing_past_the_limit_fails_while_it_runs(make_host, invocation, other_source_answers):
    host = await make_host(SandboxLimits(timeout_s=20.0, tmp_mb=1))
    result = await host.invoke(invocation(WRITE_MB, source_id="dc_big", event={"mb": 3, "linger_ms": 10_000}))
    assert result.outcome == "error"
    assert result.error["name"] == "TempFolderLimitExceeded"
    assert result.error["message"] == ("the run wrote at least 1.5 MB to /tmp, over the 1 MB limit; its Node process was "
                                       "killed and its temp files removed")
    assert result.duration_ms < 9_000
    await other_source_answers(host)


def test_the_temp_folders_live_inside_the_hosts_private_root():
    # temp_roots makes the root owner-only; the per-process folders are owner-only too.
    root = make_root()
    try:
        make_temp_folder(root / "t1")
        assert os.stat(root).st_mode & 0o077 == 0 and os.stat(root / "t1").st_mode & 0o077 == 0
    finally:
        shutil.rmtree(root)


ONE_BIG_FILE = """
import fs from "node:fs";
export default {
  async run(event) {
    try { fs.writeFileSync("/tmp/one.bin", Buffer.alloc(event.mb * 1024 * 1024, 1)); }
    catch (error) { this.$emit({ code: error.code, message: error.message, size: fs.statSync("/tmp/one.bin").size }); }
  },
};
"""


async def test_one_file_cannot_grow_past_the_limit_the_write_fails_at_once_naming_it(make_host, invocation):
    host = await make_host(SandboxLimits(timeout_s=10.0, tmp_mb=1))
    result = await host.invoke(invocation(ONE_BIG_FILE, source_id="dc_one", event={"mb": 3}))
    assert result.outcome == "ok", result.error
    refused = result.emits[0]["event"]
    assert refused["code"] == "EFBIG" and refused["size"] <= 1024 * 1024
    assert refused["message"].endswith("(a file in /tmp may hold at most 1 MB, the sandbox's limit for a source's /tmp)")
