"""Argument types the command lines share (attune-cli, its research commands, and the window
package's `report`): a record number, and an output file name."""

from __future__ import annotations

import argparse

STDOUT = "-"
"""The output name that means standard output (for `export`)."""
SQLITE_MAX_INT = 2**63 - 1
"""SQLite stores integers in 64 bits: a larger id cannot name anything."""

def session_id_arg(text: str) -> int:
    """An argparse type for a record number, a session's id in the database (also used by the
    window package's `report`)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= SQLITE_MAX_INT:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a record number; 'attune-cli sessions' lists them"
        )
    return value


def output_arg(text: str) -> str:
    """An argparse type for an output file name, or '-' for standard output: never blank."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the file name is empty; give a file name")
    return text


def file_output_arg(text: str) -> str:
    """An argparse type for an output that must be a file (a bundle, a report): '-'
    (standard output, which `export` takes) is refused rather than written as a file named
    '-' (also used by the window package's `report`)."""
    if text == STDOUT:
        raise argparse.ArgumentTypeError(
            "this output is written to a file, not to standard output ('-'); give a file name"
        )
    return output_arg(text)
