"""A session as an ELAN annotation file (.eaf, EAF 3.0), to open beside the recording.

Every view of the session (the clinician's own taps, then each coder layer) becomes five
tiers named '<coder> - <what>': client state and self state (each state from its tap to the
lane's next tap), ruptures (from onset to repair, or to the session's end when unrepaired),
repairs (attempts and repairs) and notes; one more tier holds the session's breaks. Times
are session time in ms. A moment (a repair, a note) becomes a `MARK_MS` annotation (shorter
when the tier's next annotation comes sooner; moments in the same millisecond share one), as
ELAN annotations have a length and do not overlap on a tier. A state held for no time is
left out. Values are the scheme's labels.

A linked recording (media_links) becomes the MEDIA_DESCRIPTOR, with TIME_ORIGIN = its offset
(recording time = session time + offset, as ELAN reads it). Redacted, the default, leaves
out typed text (the same redaction as the CSV and JSON exports) and links the recording by
its file name only, so no folder on this computer is named: put the .eaf beside the video.
"""

from __future__ import annotations

import mimetypes
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from attune_companion.comments import MediaLink, media_link
from attune_companion.events import Event, Kind, effective_taps
from attune_companion.export import _load
from attune_companion.redaction import without_text
from attune_companion.fold import fold
from attune_companion.layers import CLINICIAN, layer_events, layers
from attune_companion.scheme import Scheme
from attune_companion.store import Store, now_utc
from attune_companion.summary import UNTYPED
from attune_companion.summary_text import scheme_label

MARK_MS = 1000
LINGUISTIC_TYPE = "attune"
EAF_SCHEMA = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class Tier:
    """One ELAN tier: `annotations` are (start ms, end ms, value), fitted by `_fit`."""

    tier_id: str
    participant: str
    annotator: str
    annotations: list[tuple[int, int, str]]


def session_eaf(
    store: Store, session_id: int, *, redact: bool = True, eaf_path: Path | None = None
) -> bytes:
    """The session and its coder layers as EAF 3.0 XML (UTF-8). `eaf_path`, where the file
    will be written, makes the recording's relative link point from there."""
    s = _load(store, session_id, redact)
    end = s.state.ended_ms if s.state.ended_ms is not None else s.state.last_ms
    views: list[tuple[str, list[Event]]] = [(CLINICIAN, s.taps)]
    for layer in layers(store, session_id):
        taps = effective_taps(layer_events(store, layer.id))
        views.append((layer.coder, [without_text(e) for e in taps] if redact else taps))
    tiers = [tier for coder, taps in views for tier in _tiers(coder, taps, s.scheme, end)]
    breaks = [(p.start_ms, p.end_ms if p.end_ms is not None else end, "Break")
              for p in s.state.pauses]
    tiers.append(Tier("session - breaks", "", CLINICIAN, breaks))
    properties = {
        "attune_session_id": str(session_id),
        "attune_client_code": s.row.client_code,
        "attune_started_utc": s.row.started_utc,
        "attune_redacted": "true" if redact else "false",
    }
    return _document(tiers, media_link(store, session_id), properties, redact, eaf_path)


def _tiers(coder: str, taps: list[Event], scheme: Scheme, end: int) -> list[Tier]:
    """The five tiers of one view of the session."""
    state = fold(taps)

    def lane(name: str) -> list[tuple[int, int, str]]:
        spans = [(iv.start_ms, iv.end_ms if iv.end_ms is not None else end,
                  scheme_label(scheme.state, iv.state)) for iv in state.lanes[name]]
        return [span for span in spans if span[1] > span[0]]  # a state held no time is not one

    def tags(ids: tuple[str, ...] | list[str]) -> str:
        return ", ".join(scheme.label_of_tag(t) for t in ids)

    ruptures = []
    for ep in state.episodes:
        value = scheme_label(scheme.rupture_type, ep.rupture_type or None, UNTYPED.capitalize())
        if ep.markers:
            value += f": {tags(ep.markers)}"
        if ep.repair_ms is None:
            value += " (unrepaired)"
        ruptures.append((ep.start_ms, ep.end_ms if ep.end_ms is not None else end, value))
    repairs, notes = [], []
    for e in taps:
        if e.kind in (Kind.REPAIR_ATTEMPT, Kind.REPAIR):
            label = scheme.attempt_label if e.kind is Kind.REPAIR_ATTEMPT else scheme.repair_label
            repairs.append((e.offset_ms, e.offset_ms, f"{label}: {tags(e.tags)}" if e.tags
                            else label))
        elif e.kind is Kind.NOTE:
            kind = scheme_label(scheme.note_kind, e.value, "Note")
            notes.append((e.offset_ms, e.offset_ms, f"{kind}: {e.text}" if e.text else kind))
    return [
        Tier(f"{coder} - client state", "client", coder, lane("client")),
        Tier(f"{coder} - self state", "therapist", coder, lane("self")),
        Tier(f"{coder} - ruptures", "", coder, ruptures),
        Tier(f"{coder} - repairs", "", coder, repairs),
        Tier(f"{coder} - notes", "", coder, notes),
    ]


def _fit(annotations: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Annotations ELAN accepts on one tier: in time order, each with a length and none
    overlapping the next; moments in one millisecond joined into one annotation."""
    merged: list[tuple[int, int, str]] = []
    for start, stop, value in sorted(annotations, key=lambda a: a[0]):
        if stop == start and merged and merged[-1][0] == start:
            merged[-1] = (start, merged[-1][1], f"{merged[-1][2]}; {value}")
        elif stop >= start:
            merged.append((start, stop, value))
    out = []
    for i, (start, stop, value) in enumerate(merged):
        if stop == start:
            stop = start + MARK_MS
        following = merged[i + 1][0] if i + 1 < len(merged) else None
        if following is not None and following > start:
            stop = min(stop, following)
        if stop > start:
            out.append((start, stop, value))
    return out


def _document(
    tiers: list[Tier], link: MediaLink | None, properties: dict[str, str], redact: bool,
    eaf_path: Path | None,
) -> bytes:
    ET.register_namespace("xsi", XSI)
    root = ET.Element("ANNOTATION_DOCUMENT", {
        "AUTHOR": "Attune", "DATE": now_utc(), "FORMAT": "3.0", "VERSION": "3.0",
        f"{{{XSI}}}noNamespaceSchemaLocation": EAF_SCHEMA,
    })
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    if link is not None:
        ET.SubElement(header, "MEDIA_DESCRIPTOR", _media(link, redact, eaf_path))
    slots: list[tuple[int, str]] = []
    tier_elements = []
    count = 0
    for tier in tiers:
        element = ET.Element("TIER", {"TIER_ID": tier.tier_id, "LINGUISTIC_TYPE_REF":
                                      LINGUISTIC_TYPE, "ANNOTATOR": tier.annotator,
                                      "PARTICIPANT": tier.participant})
        for start, stop, value in _fit(tier.annotations):
            count += 1
            first, second = f"s{2 * count - 1}", f"s{2 * count}"
            slots += [(start, first), (stop, second)]
            annotation = ET.SubElement(ET.SubElement(element, "ANNOTATION"),
                                       "ALIGNABLE_ANNOTATION", {
                                           "ANNOTATION_ID": f"a{count}",
                                           "TIME_SLOT_REF1": first, "TIME_SLOT_REF2": second})
            ET.SubElement(annotation, "ANNOTATION_VALUE").text = value
        tier_elements.append(element)
    for name, value in {**properties, "lastUsedAnnotationId": str(count)}.items():
        ET.SubElement(header, "PROPERTY", {"NAME": name}).text = value
    order = ET.SubElement(root, "TIME_ORDER")
    slot_names = {}
    for n, (time_ms, temporary) in enumerate(sorted(slots), start=1):
        slot_names[temporary] = f"ts{n}"
        ET.SubElement(order, "TIME_SLOT", {"TIME_SLOT_ID": f"ts{n}", "TIME_VALUE": str(time_ms)})
    for element in tier_elements:
        for annotation in element.iter("ALIGNABLE_ANNOTATION"):
            for ref in ("TIME_SLOT_REF1", "TIME_SLOT_REF2"):
                annotation.set(ref, slot_names[annotation.get(ref, "")])
        root.append(element)
    ET.SubElement(root, "LINGUISTIC_TYPE", {
        "LINGUISTIC_TYPE_ID": LINGUISTIC_TYPE, "TIME_ALIGNABLE": "true",
        "GRAPHIC_REFERENCES": "false"})
    ET.indent(root, space="    ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _quote(relative: str) -> str:
    """A relative path as a URL path (spaces and the like percent-encoded)."""
    return PurePosixPath("/" + relative).as_uri().removeprefix("file:///")


def _media(link: MediaLink, redact: bool, eaf_path: Path | None) -> dict[str, str]:
    """The MEDIA_DESCRIPTOR's attributes: the full path, or (redacted) the file name only."""
    media = Path(link.path)
    relative = "./" + _quote(media.name)
    if not redact and eaf_path is not None:
        try:
            path = Path(os.path.relpath(media.absolute(), Path(eaf_path).absolute().parent))
        except ValueError:  # another drive (Windows): no relative path exists
            pass
        else:
            relative = _quote(path.as_posix())
            relative = relative if relative.startswith("../") else "./" + relative
    return {
        "MEDIA_URL": relative if redact else media.absolute().as_uri(),
        "MIME_TYPE": mimetypes.guess_type(media.name)[0] or "video/*",
        "RELATIVE_MEDIA_URL": relative,
        "TIME_ORIGIN": str(link.offset_ms),
    }
