"""attune-cli commands for research and supervision: exports (one session or several in one
file) and agreement between two coders.

Registered on the main parser by `attune_companion.cli.build_parser`; kept here so the main command
module stays small.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from attune_companion import clients
from attune_companion.cli_args import STDOUT, output_arg, session_id_arg
from attune_companion.agreement import (
    DEFAULT_TOLERANCE_MS, DEFAULT_UNIT_MS, AgreementError, format_text, session_agreement,
)
from attune_companion.elan import session_eaf
from attune_companion.errors import DatabaseLocked
from attune_companion.export import ExportError, events_csv, session_json
from attune_companion.layers import CLINICIAN
from attune_companion.naming import record_name
from attune_companion.paths import user_path, write_output
from attune_companion.store import Store

EXPORTERS: dict[str, Callable[..., bytes]] = {"csv": events_csv, "json": session_json}
FORMATS = (*EXPORTERS, "eaf")


def positive_seconds(text: str) -> float:
    """An argparse type for a number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 24 * 3600:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above zero")
    return value


def add_research_commands(sub: argparse._SubParsersAction) -> None:
    """Add `export` and `agreement` to the command line."""
    p = sub.add_parser(
        "export", help="write sessions' events to a CSV, JSON or ELAN file",
        description="Write the taps (undos and corrections applied) of one session, several "
        "(their ids), or all of one client's (--client) to one file: CSV, one row per tap "
        "with its session and client, for spreadsheets and pandas; or JSON, each session with "
        "its summary and taps, under the same names. EAF writes one session and its coder "
        "layers as tiers for ELAN, linked to its recording (by file name only unless "
        "--include-notes): put it beside the video. Free text is left out by default (note "
        "texts and reflection answers), so the file can be shared, e.g. in supervision; add "
        "--include-notes to keep it. The export is recorded in Attune's audit log (what, "
        "when, file name); while Attune is running the database is in its hands, so the "
        "file is still written but the audit entry is skipped, with a note saying so.",
    )
    p.add_argument("ids", type=session_id_arg, metavar="RECORD", nargs="*",
                   help="the sessions' record numbers (the first column of 'sessions')")
    p.add_argument("--client", metavar="CODE", help="every session of this client instead")
    p.add_argument("--format", required=True, choices=FORMATS,
                   help="csv: one row per tap, for spreadsheets; json: each session, its "
                   "summary and its taps; eaf: one session's coding, for ELAN")
    privacy = p.add_mutually_exclusive_group()
    privacy.add_argument("--redact", dest="include_notes", action="store_false",
                         help="leave out all free text (the default)")
    privacy.add_argument("--include-notes", dest="include_notes", action="store_true",
                         help="keep note texts and reflection answers (not for sharing)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", type=output_arg,
                   help="the file to write (replaced whole; never left half-written), or '-' "
                   "for standard output")
    p.set_defaults(run=_cmd_export, include_notes=False)

    p = sub.add_parser(
        "agreement", help="compare two coders' views of a session",
        description="Compare two views of one session: the clinician's own taps "
        f"('{CLINICIAN}') and a coder layer made in playback, or two layers. Prints percent "
        "agreement and Cohen's kappa on client and self state over time units (only time "
        "both noted), the confusion matrix, ruptures matched within a tolerance (precision "
        "and recall with A as the reference, F1, onset offsets, type agreement) and the "
        "moments of largest disagreement.",
    )
    p.add_argument("id", type=session_id_arg, metavar="RECORD",
                   help="the session's record number (the first column of 'sessions')")
    p.add_argument("--a", metavar="CODER", default=CLINICIAN,
                   help=f"the reference view (default: {CLINICIAN})")
    p.add_argument("--b", metavar="CODER",
                   help="the view compared with it (default: the newest coder layer)")
    p.add_argument("--unit", type=positive_seconds, metavar="SECONDS",
                   default=DEFAULT_UNIT_MS / 1000, help="the time unit for states (default: 1)")
    p.add_argument("--tolerance", type=float, metavar="SECONDS",
                   default=DEFAULT_TOLERANCE_MS / 1000,
                   help="how far apart two rupture onsets may be and still match (default: 30)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(run=_cmd_agreement)


def _cmd_agreement(args: argparse.Namespace, db: Path) -> int:
    if args.tolerance < 0:
        raise AgreementError("The rupture tolerance cannot be negative.")
    with Store.open(db, readonly=True) as store:
        result = session_agreement(
            store, args.id, args.a, args.b, unit_ms=round(args.unit * 1000),
            tolerance_ms=round(args.tolerance * 1000),
        )
    if args.json:
        print(json.dumps({"session_id": args.id, **result.to_dict()}, indent=2))
    else:
        print(format_text(result))
    return 0


def _cmd_export(args: argparse.Namespace, db: Path) -> int:
    redact = not args.include_notes
    out = None if args.output == STDOUT else user_path(args.output)
    with Store.open(db, readonly=True) as store:
        ids = _export_ids(store, args)
        if args.format != "eaf":
            data = EXPORTERS[args.format](store, *ids, redact=redact)
        elif len(ids) == 1:
            data = session_eaf(store, ids[0], redact=redact, eaf_path=out)
        else:
            raise ExportError("An ELAN file holds one session: give one session id.")
    what = "free text left out" if redact else "including notes: not for sharing"
    sessions = record_name(ids[0]) if len(ids) == 1 else f"{len(ids)} sessions"
    if out is None:
        if sys.stdout is None:
            raise ExportError("Standard output is closed; nothing was written.")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        name = "standard output"
        print(f"Wrote the events of {sessions} to {name} ({what}).", file=sys.stderr)
    else:
        try:
            write_output(out, data, db)
        except OSError as err:
            raise ExportError(f"Cannot write {out}: {err.strerror or err}.") from None
        name = out.name
        print(f"Wrote the events of {sessions} to {out} ({what}).")
    detail = {"format": args.format, "redacted": redact, "file": name}
    try:
        with Store.open(db) as store:
            for session_id in ids:
                store.audit("export", session_id, detail)
    except DatabaseLocked:
        print("Note: Attune is running, so this export could not be added to its audit log.",
              file=sys.stderr)
    return 0


def _export_ids(store: Store, args: argparse.Namespace) -> list[int]:
    """The sessions an export names: its ids, or the client's sessions, oldest first."""
    if args.client and args.ids:
        raise ExportError("Give session ids or --client, not both.")
    if not args.client:
        if not args.ids:
            raise ExportError("Give the id of a session to export (see 'sessions'), or --client.")
        for session_id in args.ids:
            store.session(session_id)  # an unknown id is refused before anything is written
        return list(dict.fromkeys(args.ids))
    warning = clients.name_warning(args.client)
    if warning:
        print(f"attune-cli: {warning}", file=sys.stderr)
    rows = store.sessions(args.client)
    if not rows:
        raise ExportError(f"There are no sessions for client {args.client}.")
    return [row.id for row in reversed(rows)]
