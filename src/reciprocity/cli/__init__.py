"""The ``reciprocity`` command line: one entry point, a table of subcommands, fixed exit codes.

Exit codes (also in ``docs/cli.md``):

====  ==========  ===============================================================
code  name        meaning
====  ==========  ===============================================================
0     OK          the command did what was asked
1     PARTIAL     the command finished, but some items failed (recorded in output)
2     USAGE       the command line is wrong (unknown option, bad value)
3     INPUT       an input file is missing, unreadable or malformed
4     FETCH       a network fetch failed
70    INTERNAL    a bug in reciprocity (the traceback is printed; please report it)
====  ==========  ===============================================================
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn, Protocol

from reciprocity._version import __version__
from reciprocity.errors import ReciprocityError

__all__ = [
    "EXIT_FETCH",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_USAGE",
    "main",
    "warn",
]

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_FETCH = 4
EXIT_INTERNAL = 70

# One module per subcommand under reciprocity.cli, each with `HELP`, `add_arguments` and `run`.
# Only the command run is imported (build_parser), so that `reciprocity robots` does not pay
# for the audit's and the report's libraries.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("robots", "reciprocity.cli.robots_cmd"),
    ("audit", "reciprocity.cli.audit_cmd"),
    ("explain", "reciprocity.cli.explain_cmd"),
    ("check", "reciprocity.cli.check_cmd"),
    ("openness", "reciprocity.cli.openness_cmd"),
    ("report", "reciprocity.cli.report_cmd"),
    ("export", "reciprocity.cli.export_cmd"),
    ("declare", "reciprocity.cli.declare_cmd"),
    ("lint", "reciprocity.cli.lint_cmd"),
)


def warn(message: str) -> None:
    """One warning line on standard error (the command goes on)."""
    sys.stderr.write(f"reciprocity: warning: {message}\n")


class _Command(Protocol):
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors exit with EXIT_USAGE and one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"reciprocity: error: {message}\n")


def _load(module: str) -> _Command:
    command: _Command = importlib.import_module(module)
    return command


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of ``argv``: every command is listed, and only the one ``argv`` names is
    loaded (each imports what it runs on: a robots.txt check need not load pyarrow or DuckDB);
    without a command, all are loaded, for the help that describes them."""
    parser = _Parser(
        prog="reciprocity",
        description="Read AI-usage preferences, decide per document and use, with evidence.",
    )
    parser.add_argument("--version", action="version", version=f"reciprocity {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    names = {name for name, _ in COMMANDS}
    chosen = argv[0] if argv and argv[0] in names else None
    for name, module in COMMANDS:
        if chosen is not None and name != chosen:
            sub.add_parser(name)  # listed, never parsed: argv names another command
            continue
        command = _load(module)
        command_parser = sub.add_parser(name, help=command.HELP, description=command.HELP)
        command.add_arguments(command_parser)
        command_parser.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (never raises for user error)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    command = _load(args._module)
    try:
        return command.run(args)
    except ReciprocityError as exc:
        print(f"reciprocity: {exc.slug}: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # `reciprocity ... | head` closes our stdout early; that is not an error.
        return EXIT_OK
    except KeyboardInterrupt:
        print("reciprocity: interrupted", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        print(
            "reciprocity: internal error (a bug in reciprocity); please report the traceback above",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
