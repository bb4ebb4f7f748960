"""demo_pack_path(): generated once per generator version, safely shared between processes."""
from __future__ import annotations

import subprocess
import sys

from fixtures import demo


def test_cache_folder_is_keyed_by_the_generator_source(tmp_path, monkeypatch):
    monkeypatch.setenv("CLOSE_CACHE_DIR", str(tmp_path))
    calls = []
    monkeypatch.setattr(demo, "generate", lambda out, seed, scale: (calls.append(out), (out / "pack.toml").write_text("x")))
    first = demo.demo_pack_path()
    again = demo.demo_pack_path()
    assert first == again and len(calls) == 1
    assert first.parent == tmp_path and demo.source_digest()[:16] in first.name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".demo-")]


def test_failed_generation_leaves_no_half_written_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("CLOSE_CACHE_DIR", str(tmp_path))

    def broken(out, seed, scale):
        (out / "journal_lines.csv").write_text("partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "generate", broken)
    try:
        demo.demo_pack_path()
    except RuntimeError:
        pass
    assert [p.name for p in tmp_path.iterdir()] == [".demo.lock"]


def test_two_processes_share_one_generation(tmp_path):
    script = (
        "import sys, time; from pathlib import Path; from fixtures import demo\n"
        "def slow(out, seed, scale):\n"
        "    time.sleep(0.5); (out / 'pack.toml').write_text('x')\n"
        "    (Path(sys.argv[1]) / ('made-' + str(time.time_ns()))).write_text('')\n"
        "demo.generate = slow\n"
        "print(demo.demo_pack_path())\n")
    env = {"CLOSE_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, env=env, text=True)
             for _ in range(2)]
    outs = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(outs) == 1
    assert len(list(tmp_path.glob("made-*"))) == 1
