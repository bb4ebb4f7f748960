"""`close validate`: every problem printed, exit 0 / 1 / 2, and --json."""
import json

import pytest
import typer
from typer.testing import CliRunner

from close.cli.validate_cmd import register

from .packs import GOOD_PACK, expected_problems


@pytest.fixture
def app():
    """The command as registered on an app; close.cli registers it the same way."""
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root():  # keeps `validate` a named subcommand, as in close.cli
        pass

    return app


def run(app, *args):
    return CliRunner().invoke(app, ["validate", *map(str, args)])


def test_clean_pack_exits_0(app):
    result = run(app, "--pack", GOOD_PACK)
    assert result.exit_code == 0
    assert "no problems" in result.stdout


def test_problems_exit_1_and_are_all_printed(app, bad_pack):
    result = run(app, "--pack", bad_pack("unknown_reference"))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == expected_problems("unknown_reference")


def test_json_lists_problem_objects(app, bad_pack):
    result = run(app, "--pack", bad_pack("bad_date"), "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc[0] == {"file": "journal_lines.csv", "line": 4, "column": "posting_date", "value": "2026-02-30",
                      "message": "is not a date (YYYY-MM-DD)",
                      "text": "journal_lines.csv line 4, posting_date '2026-02-30' is not a date (YYYY-MM-DD)"}
    assert [d["text"] for d in doc] == expected_problems("bad_date")


def test_json_clean_is_an_empty_list(app):
    result = run(app, "--pack", GOOD_PACK, "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_usage_errors_exit_2(app, tmp_path):
    assert run(app, "--pack", tmp_path / "missing").exit_code == 2
    assert run(app, "--pack", tmp_path).exit_code == 2  # an empty folder is not a pack
    assert run(app).exit_code == 2  # --pack is required


def test_help(app):
    result = CliRunner().invoke(app, ["validate", "--help"])
    assert result.exit_code == 0 and "--json" in result.stdout
