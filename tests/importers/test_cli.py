"""The import commands as a user meets them: help, JSON, and refusals on stderr."""
from __future__ import annotations

import json

import pytest

from .conftest import SAFT, need, run_cli


@pytest.mark.parametrize("command", [["import"], ["import", "saft"], ["import", "bank"], ["import", "gl"]])
def test_every_import_command_has_help(command):
    result = run_cli(*command, "--help")
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_a_refusal_is_json_too_and_writes_nothing(tmp_path):
    cut = tmp_path / "cut.xml"
    cut.write_text(need(SAFT).read_text(encoding="utf-8-sig")[:5000], encoding="utf-8")
    result = run_cli("import", "saft", cut, "--out", tmp_path / "out", "--json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["imported"] is False and doc["problems"][0]["file"] == "cut.xml" and doc["problems"][0]["line"]
    assert result.stderr.strip().endswith("close: nothing was written")
    assert not (tmp_path / "out").exists()
