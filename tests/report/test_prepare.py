"""close.report.prepare: the templates compiled ahead of the close's outputs."""
from __future__ import annotations

from close import report
from close.report.jinja import environment


def test_prepare_compiles_every_report_template_once():
    environment.cache_clear()
    report.prepare()
    for kind, name in report.TEMPLATES:
        env = environment(kind)
        assert any(key[1] == name for key in env.cache.keys()), (kind, name)
        # the writer's own lookup is the prepared template, not a second compile
        assert env.get_template(name) is env.get_template(name)
