"""attune-cli: Attune's core without a window.

List sessions, print a summary, export a session, check the database and make a demo session.
Reading commands open the database read-only, so they work while Attune is running. Every
mistake or refusal is one line on stderr and a non-zero exit (2 for a wrongly typed command,
1 otherwise), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Callable, NoReturn

from attune_companion import about, backup, clients
from attune_companion.bundle import import_bundle, write_bundle
from attune_companion.cli_args import file_output_arg, session_id_arg
from attune_companion.cli_research import add_research_commands
from attune_companion.cloud_folders import cloud_warning
from attune_companion.collector import collector_paused
from attune_companion.demo import make_demo_session
from attune_companion.errors import AttuneError, CorruptDatabase, NewerDatabase, TapHeld
from attune_companion.export import session_metadata
from attune_companion.fold import fold
from attune_companion.recorder import session_ended
from attune_companion.lockfile import LockFile, LockHeld
from attune_companion.naming import record_name
from attune_companion.paths import lock_path, resolve_db_path, user_path
from attune_companion.schema import APPLICATION_ID, SCHEMA_VERSION
from attune_companion.scheme import default_scheme, session_scheme
from attune_companion.store import SessionRow, Store
from attune_companion.summary import summarise
from attune_companion.summary_text import format_text

PROG = "attune-cli"
Extra = Callable[[argparse._SubParsersAction], None]
"""Registers more subcommands on the parser's subparsers."""
INTERRUPTED_NOTE = (
    "INTERRUPTED: Attune stopped during the session (a crash or power cut). Every tap recorded "
    "before that is kept; open Attune to resume or close the session."
)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake reported on one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser(extra: Extra | None = None) -> argparse.ArgumentParser:
    """The command line: global options and one subcommand per task (plus `extra`'s)."""
    parser = _Parser(
        prog=PROG,
        description="Attune without a window: list sessions, print a summary, export a "
        "session, check the database, or make a demo session to explore.",
        epilog="Reading commands (sessions, summary, export, verify) work while Attune is open.",
    )
    parser.add_argument(
        "--db", metavar="PATH",
        help="the Attune database to use (default: $ATTUNE_DB, else Attune's data folder)",
    )
    parser.add_argument("--version", action="version", version=about.version_line(PROG))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "sessions", help="list recorded sessions",
        description="List sessions, newest first: record number (what the other commands "
        "take), date and time where they were recorded, client code, session number, "
        "length (breaks left out), ruptures and status. "
        "A session marked INTERRUPTED was cut off by a crash or power cut; open Attune to "
        "resume or close it.",
    )
    p.add_argument("--client", metavar="CODE", help="only this client's sessions")
    p.set_defaults(run=_cmd_sessions)

    p = sub.add_parser(
        "summary", help="print a session's summary",
        description="Print the post-session summary: time in each state for client and self, "
        "ruptures, time to repair and repair strategies.",
    )
    p.add_argument("id", type=session_id_arg, metavar="RECORD",
                   help="the session's record number (the first column of 'sessions')")
    p.add_argument("--json", action="store_true",
                   help="print it as JSON, with the session's details, for other programs")
    p.set_defaults(run=_cmd_summary)

    p = sub.add_parser(
        "verify", help="check the database for damage",
        description="Check the database: SQLite's full integrity check, links between "
        "records, every record's checksum, schema objects Attune did not create, and the "
        "schema version. Prints 'ok', or each problem found with the records it touches on "
        "standard error (then exits 1; restore from a backup and keep the damaged file for "
        "inspection). Notes when the newest backup holds sessions this database does not.",
    )
    p.set_defaults(run=_cmd_verify)

    p = sub.add_parser(
        "demo", help="make a demo session to explore",
        description="Record a generated 50-minute session (about an hour ago) with ruptures, "
        "repairs, notes, a break, an undo and a back-dated tap, recorded the same way real "
        "taps are. Needs Attune to be closed.",
    )
    p.add_argument("--client", metavar="CODE", default="DEMO-01",
                   help="the client code to file it under (default: DEMO-01)")
    p.add_argument("--seed", metavar="N", type=int, default=0,
                   help="another number gives another session (default: 0)")
    p.set_defaults(run=_cmd_demo)

    p = sub.add_parser(
        "bundle", help="write a session bundle to share for supervision",
        description="Write one ended session (its taps, coding scheme, summary, supervision "
        "comments and ratings, with a manifest of hashes) to one file that another Attune "
        "can import. Free text (note texts, comment texts, reflection answers) is left out "
        "unless you add --include-free-text. Needs Attune to be closed.",
    )
    p.add_argument("id", type=session_id_arg, metavar="RECORD",
                   help="the session's record number (the first column of 'sessions')")
    p.add_argument("-o", "--output", required=True, metavar="FILE", type=file_output_arg,
                   help="the bundle file to write (e.g. session.attune)")
    p.add_argument("--include-free-text", action="store_true",
                   help="keep note texts, comments and reflections (only with consent)")
    p.set_defaults(run=_cmd_bundle)

    p = sub.add_parser(
        "import", help="import a session bundle",
        description="Import a bundle written by 'bundle' (here or on another computer). "
        "Everything in it is checked first; a damaged, altered or already imported bundle "
        "is refused and the database is left unchanged. Needs Attune to be closed.",
    )
    p.add_argument("file", metavar="FILE", help="the bundle file")
    p.set_defaults(run=_cmd_import)

    p = sub.add_parser(
        "backups", help="list the database's backups",
        description="List the backups Attune keeps beside the database (one is made at the "
        "end of every session; the ten newest and one a day for 30 days are kept), newest "
        "first.",
    )
    p.set_defaults(run=_cmd_backups)

    p = sub.add_parser(
        "restore", help="put a backup in place of the database",
        description="Replace the database with a backup (see 'backups'). Only a checked "
        "Attune database is restored (its integrity, schema, sessions and checksums); the "
        "database it replaces is kept beside it under a new name, '...-replaced-DATE.db', "
        "so nothing is lost. Says how many sessions each held. Attune must be closed.",
    )
    p.add_argument("backup", metavar="FILE", help="the backup file to restore")
    p.set_defaults(run=_cmd_restore)
    add_research_commands(sub)
    if extra is not None:
        extra(sub)
    return parser


def main(argv: list[str] | None = None, extra: Extra | None = None) -> int:
    """Run one command; returns the exit status. `extra` adds subcommands (the window's
    package adds `report`, which needs Qt), each setting `run(args, db_path) -> int`."""
    parser = build_parser(extra)
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage mistake (2, already reported)
        return stop.code if isinstance(stop.code, int) else 2
    run: Callable[[argparse.Namespace, Path], int] = args.run
    try:
        status = run(args, resolve_db_path(args.db))
        if sys.stdout is not None:  # None when started with standard output closed
            sys.stdout.flush()
        return status
    except BrokenPipeError:
        return _output_closed()
    except AttuneError as err:
        return fail(str(err))
    except sqlite3.Error as err:
        return fail(f"The database could not be used ({err}).")
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        return fail(f"Cannot use{where}: {err.strerror or err}.")
    except KeyboardInterrupt:
        return 130


# -- commands ------------------------------------------------------------------------------


def _cmd_sessions(args: argparse.Namespace, db: Path) -> int:
    if args.client:
        _warn_if_name(args.client)
    with Store.open(db, readonly=True) as store:
        _note_newer_backup(store)
        rows = store.sessions(args.client) if _has_schema(store) else []
        running = _attune_running(db)
        lines = [_session_line(store, row, running) for row in rows]
    if not lines:
        whose = f" for client {args.client}" if args.client else ""
        print(f"No sessions{whose} yet. 'attune-cli demo' makes one to explore.")
        return 0
    header = ["Record", "Date", "Client", "Session", "Length", "Ruptures", "Status"]
    print(_table([header, *lines]))
    if any(line[-1] == "INTERRUPTED" for line in lines):
        print()
        print(INTERRUPTED_NOTE)
    return 0


def _cmd_summary(args: argparse.Namespace, db: Path) -> int:
    with Store.open(db, readonly=True) as store:
        row = store.session(args.id)
        scheme = session_scheme(row.scheme_json, row.id)
        with collector_paused():  # one pause over a long session's objects, none in a cycle
            summary = summarise(fold(store.events(row.id)), scheme)
    if args.json:
        doc = {"session": session_metadata(row, scheme), "summary": summary.to_dict()}
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    print(row.describe(record=True))
    print(f"Time zone {row.time_zone} · {row.status}")
    print()
    print(format_text(summary, scheme))
    return 0


def _cmd_verify(args: argparse.Namespace, db: Path) -> int:
    if synced := cloud_warning(db):
        print(f"{PROG}: {synced}", file=sys.stderr)
    try:
        store = Store.open(db, readonly=True)
    except (CorruptDatabase, NewerDatabase) as err:
        print(err, file=sys.stderr)
        return 1
    with store:
        try:
            _note_newer_backup(store)
            problems = store.verify()
        except sqlite3.DatabaseError as exc:  # damage the check itself cannot read past
            print(f"{db} is damaged ({exc}); restore it from a backup and keep the damaged "
                  "file for inspection.", file=sys.stderr)
            return 1
        app_id = store.conn.execute("PRAGMA application_id").fetchone()[0]
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID:
        problems.insert(0, f"{db} is not an Attune database.")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if version == 0:
        print("ok (an empty database: no sessions yet)")
    elif version < SCHEMA_VERSION:
        print(f"ok (schema {version}; Attune updates it to {SCHEMA_VERSION} when it next "
              "opens it)")
    else:
        print("ok")
    return 0


def _cmd_demo(args: argparse.Namespace, db: Path) -> int:
    _warn_if_name(args.client)
    with Store.open(db) as store:
        try:
            with store.db.atomic():  # all of it or nothing
                session_id = make_demo_session(store, default_scheme(),
                                               client_code=args.client, seed=args.seed)
        except TapHeld as held:
            return fail(f"The demo session could not be saved ({held.reason}); nothing was "
                        "changed.")
        code = store.session(session_id).client_code
        backup_problem = session_ended(store, session_id)  # as any end: fold in, back up
    if backup_problem:
        print(f"{PROG}: {backup_problem}", file=sys.stderr)
    db_option = f" --db {args.db}" if args.db else ""
    print(f"Made a demo session for client {code}: {record_name(session_id)}.")
    print(f"See its summary with: {PROG}{db_option} summary {session_id}")
    return 0


def _cmd_bundle(args: argparse.Namespace, db: Path) -> int:
    out = user_path(args.output)
    with Store.open(db) as store:
        write_bundle(store, args.id, out, include_free_text=args.include_free_text)
    what = "including free text: share only with consent" if args.include_free_text else (
        "free text left out")
    print(f"Wrote a bundle of {record_name(args.id)} to {out} ({what}).")
    return 0


def _cmd_import(args: argparse.Namespace, db: Path) -> int:
    with Store.open(db) as store:
        session_id = import_bundle(store, user_path(args.file))
        row = store.session(session_id)
    print(f"Imported {args.file}: {row.describe(record=True)}.")
    _warn_if_name(row.client_code)
    return 0


def _cmd_backups(args: argparse.Namespace, db: Path) -> int:
    found = backup.backups(db)
    if not found:
        print(f"No backups of {db} yet (one is made when a session ends).")
        return 0
    for path in found:
        held = backup.sessions_in(path)
        sessions = "cannot be read" if held is None else _count(held, "session")
        print(f"{path}  ({path.stat().st_size // 1024} KiB, {sessions})")
    return 0


def _cmd_restore(args: argparse.Namespace, db: Path) -> int:
    done = backup.restore(user_path(args.backup), db)
    line = f"Restored {args.backup} ({_count(done.sessions, 'session')}) to {db}."
    if done.aside is None:
        line += " There was no database there before."
    else:
        held = ("could not be read" if done.replaced_sessions is None
                else f"held {_count(done.replaced_sessions, 'session')}")
        line += f" The database it replaced ({held}) is kept as {done.aside}."
    print(line)
    return 0


# -- helpers -------------------------------------------------------------------------------


def fail(message: str) -> int:
    """Say what went wrong on one line of stderr; returns the exit status 1."""
    print(f"{PROG}: {' '.join(message.split())}", file=sys.stderr)
    return 1


def _output_closed() -> int:
    """The program reading our output stopped (`attune-cli sessions | head`): end quietly.

    As Python's documentation advises, standard output is pointed at the null device so that
    the flush at exit cannot fail again. Returns 141, the status of a program that SIGPIPE
    ended, as other command-line tools report it.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor behind stdout (e.g. captured)
        pass
    return 141


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _has_schema(store: Store) -> bool:
    """Whether the database has Attune's tables (an empty file, or a '.db' whose '-wal' was
    lost before its first checkpoint, has none)."""
    return store.conn.execute("PRAGMA user_version").fetchone()[0] > 0


def _note_newer_backup(store: Store) -> None:
    """One line on stderr when the newest backup holds more than this database does."""
    newer = backup.newer_backup_than(store)
    if newer is not None:
        print(f"{PROG}: note: {newer.describe()} '{PROG} restore {newer.path}' puts it back "
              "(this database is kept beside it).", file=sys.stderr)


def _warn_if_name(code: str) -> None:
    warning = clients.name_warning(code)
    if warning:
        print(f"{PROG}: {warning}", file=sys.stderr)


def _attune_running(db: Path) -> bool:
    """Whether a running Attune holds the database (so a 'live' session is really live)."""
    path = lock_path(db)
    if not path.exists():
        return False
    lock = LockFile(path)
    try:
        lock.acquire()
    except LockHeld:
        return True
    except OSError:
        return True  # cannot tell: trust the stored status
    lock.release()
    return False


def _session_line(store: Store, row: SessionRow, running: bool) -> list[str]:
    state = fold(store.events(row.id))
    end = state.ended_ms if state.ended_ms is not None else state.last_ms
    repaired = sum(ep.repair_ms is not None for ep in state.episodes)
    unrepaired = sum(ep.unrepaired for ep in state.episodes)
    still_open = sum(ep.is_open for ep in state.episodes)
    ruptures = [f"{n} {word}" for n, word in
                ((repaired, "repaired"), (unrepaired, "unrepaired"), (still_open, "open")) if n]
    status = row.status
    if status == "live":
        status = "recording now" if running else "INTERRUPTED"
    elif status == "interrupted":
        status = "INTERRUPTED"
    return [
        str(row.id),
        row.local_start("%Y-%m-%d %H:%M"),
        row.client_code,
        str(row.number) if row.number else "–",
        f"{round(state.active_ms(0, end) / 60_000)} min",
        ", ".join(ruptures) or "none",
        status,
    ]


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows
    )


if __name__ == "__main__":
    sys.exit(main())
