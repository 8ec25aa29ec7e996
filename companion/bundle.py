"""Session bundles: one session shared for supervision, and imported into another database.

A bundle is one zip file holding JSON members: the manifest (format, versions, the session's
metadata, each member's size and SHA-256), the full raw event log (undo and edit rows
included), the session's coding-scheme snapshot, its summary, the supervision comments, its
ratings, its coder layers (when it has any; see attune_companion.layer_bundle) and, only when the
user opts in, the reflection answers.

Redaction is the default: the session is read through `attune_companion.redaction.shared`, which
leaves out every piece of free text (note texts and texts corrections gave them, comment texts,
typed author names, reflection answers) before anything is written; codes, times, labels and
numbers stay.

Importing trusts nothing it reads. `read_bundle` checks the whole file (zip structure, sizes,
hashes, versions, JSON shapes, event kinds and times, dates from 2000 to a day after now,
every text by the rule that let it in (`attune_companion.text_rules`), the fold of the log, the
scheme, the client code) without touching any database; `import_bundle` then writes
everything in one transaction. A refusal is a `BundleError` saying why, and the database is
left unchanged. Writing reads the bundle back the same way first, so Attune never hands on a
bundle it would refuse.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from attune_companion import bundle_check as check
from attune_companion import layer_bundle
from attune_companion.comments import add_missing_comments
from attune_companion.errors import BundleError, UnusableInput
from attune_companion.events import Event
from attune_companion.fold import fold
from attune_companion.history import refresh_digest
from attune_companion.naming import record_name
from attune_companion.paths import check_output_path, read_user_file, write_output
from attune_companion.redaction import holds_free_text, shared, without_text
from attune_companion.schema import SCHEMA_VERSION
from attune_companion.scheme import session_scheme
from attune_companion.store import Store, now_utc
from attune_companion.summary import summarise

FORMAT = "attune-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MiB = 1024 * 1024
MEMBER_LIMITS = {
    MANIFEST: 1 * MiB,
    "events.json": 40 * MiB,
    "scheme.json": 1 * MiB,
    "summary.json": 4 * MiB,
    "comments.json": 8 * MiB,
    "ratings.json": 64 * 1024,
    "reflections.json": 2 * MiB,
    layer_bundle.MEMBER: 16 * MiB,
}
"""Every member a bundle may hold, with the most it may unpack to."""
OPTIONAL = {"reflections.json", layer_bundle.MEMBER}
MAX_BUNDLE_BYTES = 64 * MiB
MAX_UNPACKED = 48 * MiB
MAX_RATIO = 100
"""A member unpacking to over 1 MiB at more than this ratio is refused as a zip bomb."""
_BUNDLE_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Bundle:
    """A bundle's checked contents, ready to import."""

    bundle_id: str
    redacted: bool
    created_utc: str
    session: dict[str, Any]
    scheme_json: str
    events: list[Event]
    comments: list[dict[str, Any]]
    ratings: dict[str, int]
    reflections: dict[str, str]
    session_uid: str | None = None
    layers: list[layer_bundle.LayerCopy] = field(default_factory=list)


# -- writing ------------------------------------------------------------------------------------


def write_bundle(
    store: Store, session_id: int, path: Path | str, *, include_free_text: bool = False
) -> dict[str, Any]:
    """Write an ended session to one bundle file (mode 0600) and return its manifest.

    Free text is left out unless `include_free_text`. The bundle is read back as an import
    would read it before it is written, so a session that breaks a rule (a text saved by an
    older Attune, say) is refused here, with the reason, not on the other computer. The
    export is audit-logged. A path that `paths.check_output_path` refuses (the database, a
    backup...) raises UnsafeOutput.
    """
    row = store.session(session_id)
    if row.status != "ended":
        raise BundleError(
            f"The {record_name(session_id)} is {row.status}; only an ended session can be shared."
        )
    check_output_path(Path(path), store.path)  # before the session is given its uid
    redact = not include_free_text
    content = shared(store, session_id, redact=redact)
    scheme = session_scheme(row.scheme_json, session_id)
    members: dict[str, Any] = {
        "events.json": [_event_json(e) for e in content.log],
        "scheme.json": scheme.raw,
        "summary.json": summarise(fold(content.log), scheme).to_dict(),
        "comments.json": [
            {"start_ms": c.start_ms, "end_ms": c.end_ms, "author": c.author,
             "text": c.text, "created_utc": c.created_utc}
            for c in content.comments
        ],
        "ratings.json": store.ratings(session_id),
    }
    if not redact:
        members["reflections.json"] = content.reflections
    layer_docs = layer_bundle.layers_member(
        store, session_id, without_text if redact else None, _event_json
    )
    if layer_docs:
        members[layer_bundle.MEMBER] = layer_docs
    files = {name: _dump(doc) for name, doc in members.items()}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_schema_version": SCHEMA_VERSION,
        "bundle_id": uuid.uuid4().hex,
        "created_utc": now_utc(),
        "redacted": redact,
        "session_uid": layer_bundle.session_uid(store, session_id, create=True),
        "session": {
            "client_code": row.client_code,
            "number": row.number,
            "modality": row.modality,
            "started_utc": row.started_utc,
            "ended_utc": row.ended_utc,
            "time_zone": row.time_zone,
        },
        "files": {
            name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in {MANIFEST: _dump(manifest), **files}.items():
            zf.writestr(name, data)
    try:  # what Attune writes, Attune must read back: never hand on a bundle it would refuse
        _parse(buffer.getvalue(), datetime.now(UTC))
    except BundleError as exc:
        raise BundleError(f"Session {session_id} cannot be shared as it is: {exc}.") from None
    try:
        write_output(Path(path), buffer.getvalue(), store.path)
    except OSError as exc:
        raise BundleError(
            f"The bundle could not be written to {path} ({exc.strerror or exc})."
        ) from None
    store.audit("bundle", session_id, {"bundle_id": manifest["bundle_id"], "redacted": redact})
    return manifest


def _event_json(e: Event) -> dict[str, Any]:
    return {
        "id": e.id, "kind": e.kind.value, "offset_ms": e.offset_ms, "wall_utc": e.wall_utc,
        "value": e.value, "tags": list(e.tags), "text": e.text, "target": e.target,
        "changes": e.changes,
    }


def _dump(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


# -- reading ------------------------------------------------------------------------------------


def read_bundle(path: Path | str, *, now: datetime | None = None) -> Bundle:
    """Check a bundle file completely and return its contents (no database is touched).

    Dates later than a day after `now` (default: the present) are refused."""
    path = Path(path)
    try:
        data = read_user_file(path, MAX_BUNDLE_BYTES)
    except OSError as exc:
        raise BundleError(f"{path.name} cannot be read ({exc.strerror or exc}).") from None
    except UnusableInput as exc:
        raise BundleError(f"{path.name} is not a bundle Attune can import: {exc.why}.") from None
    try:
        return _parse(data, now or datetime.now(UTC))
    except BundleError as exc:
        raise BundleError(f"{path.name} is not a bundle Attune can import: {exc}.") from None


def import_bundle(store: Store, path: Path | str) -> int:
    """Import a bundle as a new ended session and return its id.

    Everything is checked first; then the session, its log (ids renumbered), comments,
    ratings, reflections and coder layers are written in one transaction, with an audit note.
    A bundle of a session already here (a copy coded or commented elsewhere, sent back) adds
    only the coder layers and comments this database lacks, and returns that session's id.
    """
    bundle = read_bundle(path)
    _refuse_reimport(store, bundle, Path(path).name)
    s = bundle.session
    existing = layer_bundle.matching_session(
        store, bundle.session_uid, s["client_code"], s["started_utc"]
    )
    if existing is not None:
        return _add_returned(store, bundle, existing, Path(path).name)
    with store.db.atomic():
        row = store.create_session(
            s["client_code"], number=s["number"], modality=s["modality"],
            started_utc=s["started_utc"], time_zone=s["time_zone"],
            scheme_json=bundle.scheme_json,
        )
        store.set_status(row.id, "ended", s["ended_utc"] or bundle.events[-1].wall_utc)
        new_ids: dict[int, int] = {}
        for e in bundle.events:
            written = store.append(
                row.id, e.kind, e.offset_ms, e.wall_utc, value=e.value, tags=e.tags,
                text=e.text, target=None if e.target is None else new_ids[e.target],
                changes=e.changes or None,
            )
            new_ids[e.id] = written.id
        add_missing_comments(store, row.id, bundle.comments)
        for name, value in bundle.ratings.items():
            store.set_rating(row.id, name, value)
        for prompt, text in bundle.reflections.items():
            store.set_reflection(row.id, prompt, text)
        if bundle.session_uid is not None:
            store.db.execute("INSERT INTO session_uids (session_id, uid) VALUES (?, ?)",
                             [row.id, bundle.session_uid])
        layer_bundle.merge_layers(store, row.id, bundle.layers)
        store.db.execute(
            "INSERT INTO imports (bundle_id, session_id, imported_utc) VALUES (?, ?, ?)",
            [bundle.bundle_id, row.id, now_utc()],
        )
        store.audit("import", row.id, {
            "bundle_id": bundle.bundle_id, "redacted": bundle.redacted,
            "events": len(bundle.events), "comments": len(bundle.comments),
        })
    refresh_digest(store, row.id)
    return row.id


def _refuse_reimport(store: Store, bundle: Bundle, name: str) -> None:
    """A bundle is imported once."""
    found = store.db.execute(
        "SELECT session_id FROM imports WHERE bundle_id = ?", [bundle.bundle_id]
    ).fetchone()
    if found:
        raise BundleError(
            f"{name} was not imported: it was imported before, as {record_name(found[0])}."
        )


def _add_returned(store: Store, bundle: Bundle, session_id: int, name: str) -> int:
    """A bundle of a session this database already holds (found by its uid, or by client and
    start): only the coder layers (or rows of them) and the comments not here yet are added;
    a bundle bringing nothing new is refused. Returns the session's id."""
    s = bundle.session
    with store.db.atomic():
        added = layer_bundle.merge_layers(store, session_id, bundle.layers)
        new_comments = add_missing_comments(store, session_id, bundle.comments)
        if not added and not new_comments:
            raise BundleError(
                f"{name} was not imported: the session of {s['client_code']} started "
                f"{s['started_utc']} is already in this database ({record_name(session_id)}), "
                "with every coder layer and comment the bundle holds."
            )
        store.db.execute(
            "INSERT INTO imports (bundle_id, session_id, imported_utc) VALUES (?, ?, ?)",
            [bundle.bundle_id, session_id, now_utc()],
        )
        store.audit("import_layers", session_id, {
            "bundle_id": bundle.bundle_id, "layers": len(added), "rows": sum(added.values()),
            "comments": new_comments,
        })
    return session_id


def _parse(data: bytes, now: datetime) -> Bundle:
    try:
        members = _unzip(data)
    except BundleError:
        raise
    except Exception as exc:  # a damaged zip fails in zipfile or zlib in many ways
        raise BundleError(f"it is damaged or not a zip file ({type(exc).__name__})") from None
    manifest = check.obj(check.parse_json(members[MANIFEST], MANIFEST), MANIFEST)
    if manifest.get("format") != FORMAT:
        raise BundleError("it is not an Attune session bundle (wrong format name)")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise BundleError(f"it has bundle format version {str(version)[:20]}; this Attune "
                          f"reads version {FORMAT_VERSION}")
    schema = check.integer(manifest.get("app_schema_version"), "manifest app_schema_version", 1, 10**6)
    if schema > SCHEMA_VERSION:
        raise BundleError(
            f"it was made by a newer Attune (schema {schema}; this one knows {SCHEMA_VERSION})"
        )
    base_keys = {"format", "format_version", "app_schema_version", "bundle_id",
                 "created_utc", "redacted", "session", "files"}
    check.keys(manifest, base_keys | ({"session_uid"} & set(manifest)), MANIFEST)
    uid = manifest.get("session_uid")
    uid = None if uid is None else layer_bundle.check_uid(uid, "its manifest's session_uid")
    bundle_id = manifest["bundle_id"]
    if not isinstance(bundle_id, str) or not _BUNDLE_ID.match(bundle_id):
        raise BundleError("its manifest has no valid bundle_id")
    redacted = manifest["redacted"]
    if not isinstance(redacted, bool):
        raise BundleError("its manifest's 'redacted' is not true or false")
    _check_hashes(manifest["files"], members)
    latest = check.latest_moment(now)

    scheme_json = check.scheme_text(members["scheme.json"])
    scheme = session_scheme(scheme_json, 0)
    events, end_ms = check.event_log(
        check.parse_json(members["events.json"], "events.json"), scheme, latest)
    check.obj(check.parse_json(members["summary.json"], "summary.json"), "summary.json")
    notes = check.comment_list(
        check.parse_json(members["comments.json"], "comments.json"), end_ms, latest)
    ratings = check.rating_map(check.parse_json(members["ratings.json"], "ratings.json"))
    reflections = {}
    if "reflections.json" in members:
        reflections = check.reflection_map(check.parse_json(members["reflections.json"], "reflections.json"))
    coded = []
    if layer_bundle.MEMBER in members:
        coded = layer_bundle.check_layers(
            check.parse_json(members[layer_bundle.MEMBER], layer_bundle.MEMBER), scheme, end_ms,
            latest,
        )
    layer_events = (e for c in coded for e in c.events)
    if redacted and holds_free_text(
        [*events, *layer_events], ((n["author"], n["text"]) for n in notes), reflections
    ):
        raise BundleError("it is marked redacted but holds free text")
    return Bundle(
        bundle_id=bundle_id, redacted=redacted,
        created_utc=check.moment(manifest["created_utc"], "manifest created_utc", latest),
        session=check.session_meta(manifest["session"], latest), scheme_json=scheme_json,
        events=events, comments=notes, ratings=ratings, reflections=reflections,
        session_uid=uid, layers=coded,
    )


def _unzip(data: bytes) -> dict[str, bytes]:
    """The members' bytes, after checking names, sizes and compression before unpacking."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if len(infos) > len(MEMBER_LIMITS):
            raise BundleError(f"it holds {len(infos)} files, more than a bundle has")
        names = [i.filename for i in infos]
        for name in names:
            if name.startswith(("/", "\\")) or ".." in name or ":" in name or "\\" in name:
                raise BundleError(f"it holds a file with a path outside the bundle ({name[:80]!r})")
            if name not in MEMBER_LIMITS:
                raise BundleError(f"it holds an unexpected file ({name[:80]!r})")
        if len(set(names)) != len(names):
            raise BundleError("it holds the same file twice")
        missing = set(MEMBER_LIMITS) - OPTIONAL - set(names)
        if missing:
            raise BundleError(f"it lacks {', '.join(sorted(missing))}")
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise BundleError(f"it unpacks to more than {MAX_UNPACKED // MiB} MiB")
        members = {}
        for info in infos:
            name, limit = info.filename, MEMBER_LIMITS[info.filename]
            if info.flag_bits & 0x1:
                raise BundleError(f"{name} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise BundleError(f"{name} uses an unsupported compression")
            if info.file_size > limit:
                raise BundleError(f"{name} is larger than {limit // 1024} KiB")
            if info.file_size > MiB and info.file_size > MAX_RATIO * max(1, info.compress_size):
                raise BundleError(f"{name} is compressed suspiciously far (a zip bomb?)")
            with zf.open(info) as f:
                content = f.read(limit + 1)
            if len(content) != info.file_size:
                raise BundleError(f"{name} is not the size the zip says")
            members[name] = content
    return members


def _check_hashes(files: Any, members: dict[str, bytes]) -> None:
    listed = check.obj(files, "manifest files")
    if set(listed) != set(members) - {MANIFEST}:
        raise BundleError("its manifest does not list exactly the files it holds")
    for name, entry in listed.items():
        entry = check.obj(entry, f"manifest files {name}")
        data = members[name]
        digest = hashlib.sha256(data).hexdigest()
        if entry.get("size") != len(data) or entry.get("sha256") != digest:
            raise BundleError(f"{name} does not match its hash in the manifest (altered)")
