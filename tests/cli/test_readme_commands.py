"""The README's companion-command example runs as written against a real `pd-emulator serve`."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_block(after_heading: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split(after_heading, 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, f"no sh block after {after_heading!r} in README.md"
    return [line for line in block[1].splitlines() if line.strip()]


def as_python_module(command: str) -> str:
    """`pd-emulator …` (each command of a shell line) run as `<this python> -m emulator …`."""
    return re.sub(r"(^|&&\s*|\|\s*)pd-emulator\b", lambda m: f"{m[1]}{shlex.quote(sys.executable)} -m emulator",
                  command)


def test_companion_commands_in_the_readme_work(tmp_path: Path) -> None:
    commands = readme_block("### The dashboard and the companion commands")
    assert commands[0] == "pd-emulator list" and any("deploy" in c for c in commands)
    # A clone's natural name, with a space too: the commands run in it exactly as written.
    clone = tmp_path / "my pd-emulator clone"
    shutil.copytree(ROOT / "sample_components", clone / "sample_components")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "emulator", "serve", "--port", "0", "--clock", "virtual",
                               "--no-watch"], cwd=clone, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if "stop" in line and "Ctrl-C" in line:
                break
        for command in commands:
            if "--follow" in command:
                command = command.replace(" --follow", "")       # following is tested on its own
            result = subprocess.run(as_python_module(command), shell=True,
                                    cwd=clone, env=env, capture_output=True, text=True, timeout=60)
            assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
            assert "✖" not in result.stdout, f"{command}\n{result.stdout}"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
        if server.stdout:
            server.stdout.close()
