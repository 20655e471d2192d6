"""``zcrm serve``'s edges (issue 17 §3): a port out of range, a port in use (refused before anything is created or
printed, with a hint about ``--port``), an unknown ``--log-level``; ``-h`` as ``--help`` and whole command summaries
in ``zcrm --help``."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from zcrm.cli import main


@pytest.fixture
def taken() -> Iterator[int]:
    """A port that another socket listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _serve(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["serve", *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_port_beyond_65535_is_refused(tmp_path: Path) -> None:
    code, out, err = _serve("--port", "99999", "--data-dir", str(tmp_path / "d"))
    assert code == 2
    assert out == ""
    assert "Invalid value for '--port': 99999 is not in the range 0<=x<=65535." in err
    assert not (tmp_path / "d").exists()


def test_a_port_in_use_creates_nothing_prints_no_banner_and_names_port(tmp_path: Path, taken: int) -> None:
    code, out, err = _serve("--host", "127.0.0.1", "--port", str(taken), "--data-dir", str(tmp_path / "d"))
    assert code == 1
    assert out == ""
    assert err == (
        f"Error: cannot listen on 127.0.0.1:{taken}: Address already in use; choose another port with --port"
        " (0 picks a free one)\n"
    )
    assert not (tmp_path / "d").exists()


def test_a_proxy_port_in_use_names_proxy_port(tmp_path: Path, taken: int) -> None:
    code, out, err = _serve(
        "--host", "127.0.0.1", "--port", "0", "--proxy-port", str(taken), "--data-dir", str(tmp_path / "d")
    )
    assert code == 1
    assert out == ""
    assert err == (
        f"Error: cannot listen on 127.0.0.1:{taken}: Address already in use; choose another port with"
        " --proxy-port (0 picks a free one)\n"
    )
    assert not (tmp_path / "d").exists()


def test_an_unknown_log_level_is_refused_before_the_banner(tmp_path: Path) -> None:
    code, out, err = _serve("--port", "0", "--log-level", "bogus", "--data-dir", str(tmp_path / "d"))
    assert code == 2
    assert out == ""
    assert "Invalid value for '--log-level': 'bogus' is not one of" in err
    for level in ("critical", "error", "warning", "info", "debug", "trace"):
        assert f"'{level}'" in err
    assert not (tmp_path / "d").exists()


def test_a_log_level_in_capitals_is_accepted(tmp_path: Path, taken: int) -> None:
    # accepted: the command goes on to bind (and fails there, on the port in use)
    code, _out, err = _serve("--port", str(taken), "--log-level", "DEBUG", "--data-dir", str(tmp_path / "d"))
    assert code == 1
    assert "cannot listen on" in err
    assert "--log-level" not in err


def _commands() -> list[list[str]]:
    import click

    found: list[list[str]] = [[]]

    def walk(group: click.Group, path: list[str]) -> None:
        for name, command in group.commands.items():
            found.append([*path, name])
            if isinstance(command, click.Group):
                walk(command, [*path, name])

    walk(main, [])
    return found


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "zcrm")
def test_h_is_help(path: list[str]) -> None:
    short = CliRunner().invoke(main, [*path, "-h"])
    long = CliRunner().invoke(main, [*path, "--help"])
    assert short.exit_code == 0, short.output
    assert short.output == long.output
    assert "-h, --help" in short.output


def test_command_summaries_are_whole_sentences() -> None:
    for path in _commands():
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0
        if "Commands:" not in result.output:
            continue
        summaries = result.output.split("Commands:", 1)[1].splitlines()
        for line in summaries:
            assert not line.rstrip().endswith("e.g."), (path, line)
    top = CliRunner().invoke(main, ["--help"]).output
    for line in top.split("Commands:", 1)[1].splitlines():
        assert not line.endswith("..."), line
