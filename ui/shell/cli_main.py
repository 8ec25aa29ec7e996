"""attune-cli with the one command that needs Qt: `report ID --format html|pdf`.

Everything else is `attune_companion.cli`, unchanged and Qt-free. Qt is imported only when a report
is asked for, so the other commands start as fast as before. The plot is drawn off-screen.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from attune_companion import cli
from attune_companion.errors import DatabaseLocked
from attune_companion.naming import record_name
from attune_companion.paths import user_path, write_output
from attune_companion.store import Store


def main(argv: list[str] | None = None) -> int:
    """attune-cli's entry point: the core's commands plus `report`."""
    return cli.main(argv, extra=add_report_command)


def add_report_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="write a session's review as an HTML or PDF report",
        description="Write the post-session review (summary, timeline picture, ruptures and "
        "repair, ratings) to one file: HTML (self-contained) or PDF. Free text (note texts "
        "and reflection answers) is left out unless you add --include-notes. The file name "
        "you give is used as it is; the default name holds the record number and date, "
        "never the client code.",
    )
    p.add_argument("id", type=cli.session_id_arg, metavar="RECORD",
                   help="the session's record number (the first column of 'sessions')")
    p.add_argument("--format", required=True, choices=("html", "pdf"),
                   help="html: one file for a browser; pdf: for printing or filing")
    p.add_argument("--include-notes", action="store_true",
                   help="keep note texts and reflection answers (not for sharing)")
    p.add_argument("-o", "--output", metavar="FILE", type=cli.file_output_arg,
                   help="the file to write (default: attune-record-ID-DATE.FORMAT here)")
    p.set_defaults(run=_cmd_report)


def _cmd_report(args: argparse.Namespace, db: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window is ever shown
    from PySide6.QtWidgets import QApplication

    from attune_companion_ui.review import report

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else cli.PROG])
    redact = not args.include_notes
    with Store.open(db, readonly=True) as store:
        data = report.gather(store, args.id, redact=redact)
        out = user_path(args.output or report.default_file_name(data.row, args.format))
        content = report.build(data, args.format)
    del app  # kept alive until the picture is drawn
    try:
        write_output(out, content, db)
    except OSError as err:
        return cli.fail(f"Cannot write {out}: {err.strerror or err}.")
    what = "free text left out" if redact else "including notes: not for sharing"
    print(f"Wrote the review of {record_name(args.id)} to {out} ({what}).")
    try:
        with Store.open(db) as store:
            store.audit("export", args.id, {"format": f"report-{args.format}",
                                             "redacted": redact, "file": out.name})
    except DatabaseLocked:
        print("Note: Attune is running, so this report could not be added to its audit log.",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
