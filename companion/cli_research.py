"""attune-cli commands for research and supervision: agreement between two coders.

Registered on the main parser by `companion.cli.build_parser`; kept here so the main command
module stays small.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from companion.agreement import (
    DEFAULT_TOLERANCE_MS, DEFAULT_UNIT_MS, AgreementError, format_text, session_agreement,
)
from companion.layers import CLINICIAN
from companion.store import Store


def positive_seconds(text: str) -> float:
    """An argparse type for a number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 24 * 3600:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above zero")
    return value


def add_research_commands(sub: argparse._SubParsersAction, session_id_arg: object) -> None:
    """Add `agreement` to the command line."""
    p = sub.add_parser(
        "agreement", help="compare two coders' views of a session",
        description="Compare two views of one session: the clinician's own taps "
        f"('{CLINICIAN}') and a coder layer made in playback, or two layers. Prints percent "
        "agreement and Cohen's kappa on client and self state over time units (only time "
        "both noted), the confusion matrix, ruptures matched within a tolerance (precision "
        "and recall with A as the reference, F1, onset offsets, type agreement) and the "
        "moments of largest disagreement.",
    )
    p.add_argument("id", type=session_id_arg, metavar="ID", help="the session id (see 'sessions')")
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
