"""Every verb's every argument says what it is in --help: `warroom contest new --help` listed `--from FILE.toml`
with no word, `warroom count --help` its `--system {sv,contingent,irv}` without saying which is the default or
what each is, and `warroom render --help` neither the charts it draws nor the file types --out takes."""

from __future__ import annotations

import argparse

from warroom.cli.verbs import build_parser


def _unexplained(parser: argparse.ArgumentParser, path: str) -> list[str]:
    out: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out += _unexplained(sub, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction) and not (action.help or "").strip():
            out.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    return out


def test_every_argument_of_every_verb_has_help() -> None:
    assert _unexplained(build_parser(), "warroom") == []


def test_count_says_its_default_system_and_render_the_file_types() -> None:
    parser = build_parser()
    verbs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    count = verbs["count"].format_help()
    assert "Supplementary Vote (the default)" in count and "instant runoff" in count
    render = verbs["render"].format_help()
    assert ".png, .svg, or .pdf" in render and "whole window" in render
