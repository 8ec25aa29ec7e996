"""The coding scheme: which states, rupture types, repair strategies and notes can be tapped.

Labels, colours, ladder order and default keys all come from a JSON scheme file: the default in
`resources/scheme.json`, optionally overridden by a user's file. A malformed file is refused
with a `SchemeError` naming the file, the key and what was expected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from attune_companion.errors import SchemeError, UnusableInput
from attune_companion.naming import record_name
from attune_companion.paths import read_user_file

_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SHAPES = {"o", "s", "t", "d", "p", "h", "star", "x", "+", "t1"}
_MAX_LABEL = 80
MAX_SCHEME_BYTES = 1024 * 1024
"""A scheme file is a few KiB; a larger one is refused rather than read."""


@dataclass(frozen=True)
class Tag:
    """A marker or strategy a tap can carry."""

    id: str
    label: str


@dataclass(frozen=True)
class StateDef:
    """One rung of the ladder (or a blend between two rungs)."""

    id: str
    label: str
    hint: str
    level: float
    colour: str
    shape: str
    key: str
    self_key: str
    blend_of: tuple[str, ...] = ()
    enabled: bool = True

    @property
    def short_label(self) -> str:
        """The label for a narrow strip (see `short_label`)."""
        return short_label(self.label)


SHORT_LABEL_CHARS = 6


def short_label(label: str) -> str:
    """A label short enough for a narrow strip's self lane: whole up to six characters
    ('Dorsal', 'Play'), else its first four and a full stop ('Vent.', 'Symp.')."""
    label = label.strip()
    if len(label) <= SHORT_LABEL_CHARS:
        return label
    return label[: SHORT_LABEL_CHARS - 2].rstrip() + "."


@dataclass(frozen=True)
class RuptureType:
    id: str
    label: str
    hint: str
    key: str
    markers: tuple[Tag, ...]


@dataclass(frozen=True)
class NoteKind:
    id: str
    label: str
    hint: str
    key: str
    shape: str


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str


@dataclass(frozen=True)
class Scheme:
    """A validated coding scheme. `raw` is the JSON it came from (stored with each session)."""

    states: tuple[StateDef, ...]
    rupture_label: str
    rupture_key: str
    rupture_colour: str
    rupture_types: tuple[RuptureType, ...]
    repair_label: str
    repair_key: str
    attempt_label: str
    attempt_key: str
    repair_colour: str
    strategies: tuple[Tag, ...]
    notes: tuple[NoteKind, ...]
    prompts: tuple[Prompt, ...]
    raw: dict[str, Any]

    @property
    def enabled_states(self) -> tuple[StateDef, ...]:
        """States offered on the pad, top of the ladder first."""
        return tuple(
            sorted((s for s in self.states if s.enabled), key=lambda s: -s.level)
        )

    def state(self, state_id: str) -> StateDef:
        for s in self.states:
            if s.id == state_id:
                return s
        raise KeyError(state_id)

    def rupture_type(self, type_id: str) -> RuptureType:
        for t in self.rupture_types:
            if t.id == type_id:
                return t
        raise KeyError(type_id)

    def note_kind(self, kind_id: str) -> NoteKind:
        for n in self.notes:
            if n.id == kind_id:
                return n
        raise KeyError(kind_id)

    def marker_ids(self) -> set[str]:
        return {m.id for t in self.rupture_types for m in t.markers}

    def strategy_ids(self) -> set[str]:
        return {s.id for s in self.strategies}

    def label_of_tag(self, tag_id: str) -> str:
        """The label of a marker or strategy id (the id itself if the scheme lost it)."""
        for t in self.rupture_types:
            for m in t.markers:
                if m.id == tag_id:
                    return m.label
        for s in self.strategies:
            if s.id == tag_id:
                return s.label
        return tag_id

    def shortcuts(self) -> dict[str, str]:
        """Action name → key, for every tap the scheme defines."""
        keys: dict[str, str] = {}
        for s in self.states:
            keys[f"client:{s.id}"] = s.key
            keys[f"self:{s.id}"] = s.self_key
        keys["rupture"] = self.rupture_key
        for t in self.rupture_types:
            keys[f"rupture:{t.id}"] = t.key
        keys["repair_attempt"] = self.attempt_key
        keys["repair"] = self.repair_key
        for n in self.notes:
            keys[f"note:{n.id}"] = n.key
        return keys

    def to_json(self, indent: int | None = None) -> str:
        """The scheme as JSON: compact for storing with a session, indented for a file."""
        return json.dumps(self.raw, ensure_ascii=False, indent=indent)


RESERVED_KEYS = {"Z", "B", "P", "SPACE", "ESC"}
"""Keys the window keeps for itself (undo is Ctrl+Z; B blanks; P pauses)."""


class _Reader:
    """Reads one JSON document, turning every problem into a SchemeError at a named key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, expected: str) -> SchemeError:
        return SchemeError(self.source, key, expected)

    def obj(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "an object")
        return value

    def list(self, value: Any, key: str, min_len: int = 0) -> list[Any]:
        if not isinstance(value, list) or len(value) < min_len:
            raise self.fail(key, f"a list of at least {min_len} item(s)")
        return value

    def text(self, d: dict[str, Any], name: str, key: str, default: str | None = None) -> str:
        value = d.get(name, default)
        if not isinstance(value, str) or not value.strip() or len(value) > _MAX_LABEL * 2:
            raise self.fail(f"{key}.{name}", "a non-empty text")
        return value.strip()

    def ident(self, d: dict[str, Any], key: str) -> str:
        value = d.get("id")
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail(f"{key}.id", "an id of lower-case letters, digits and _")
        return value

    def colour(self, d: dict[str, Any], key: str) -> str:
        value = d.get("colour")
        if not isinstance(value, str) or not _COLOUR.match(value):
            raise self.fail(f"{key}.colour", "a colour like #5fb49c")
        return value

    def key(self, d: dict[str, Any], name: str, key: str) -> str:
        value = d.get(name)
        if not isinstance(value, str) or len(value) != 1 or not value.isprintable() or value == " ":
            raise self.fail(f"{key}.{name}", "a single printable key such as 'R' or '1'")
        return value.upper()

    def shape(self, d: dict[str, Any], key: str, default: str) -> str:
        value = d.get("shape", default)
        if not isinstance(value, str) or value not in _SHAPES:
            raise self.fail(f"{key}.shape", f"one of {', '.join(sorted(_SHAPES))}")
        return value

    def tags(self, value: Any, key: str) -> tuple[Tag, ...]:
        out = []
        for i, item in enumerate(self.list(value, key)):
            k = f"{key}[{i}]"
            item = self.obj(item, k)
            out.append(Tag(self.ident(item, k), self.text(item, "label", k)))
        self.unique([t.id for t in out], key)
        return tuple(out)

    def unique(self, ids: list[str], key: str) -> None:
        seen = set()
        for i in ids:
            if i in seen:
                raise self.fail(key, f"unique ids ('{i}' appears twice)")
            seen.add(i)


def parse_scheme(data: Any, source: str) -> Scheme:
    """Validate a decoded scheme document; `source` names it in error messages."""
    r = _Reader(source)
    top = r.obj(data, "(top level)")
    if top.get("version") != 1:
        raise r.fail("version", "1")

    states = []
    for i, item in enumerate(r.list(top.get("states"), "states", 2)):
        k = f"states[{i}]"
        item = r.obj(item, k)
        level = item.get("level")
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 <= level <= 10:
            raise r.fail(f"{k}.level", "a number from 0 (bottom of the ladder) to 10")
        enabled = item.get("enabled", True)
        if not isinstance(enabled, bool):
            raise r.fail(f"{k}.enabled", "true or false")
        blend = item.get("blend_of", [])
        if not isinstance(blend, list) or not all(isinstance(b, str) for b in blend):
            raise r.fail(f"{k}.blend_of", "a list of two state ids")
        states.append(
            StateDef(
                id=r.ident(item, k),
                label=r.text(item, "label", k),
                hint=r.text(item, "hint", k, default="-"),
                level=float(level),
                colour=r.colour(item, k),
                shape=r.shape(item, k, "o"),
                key=r.key(item, "key", k),
                self_key=r.key(item, "self_key", k),
                blend_of=tuple(blend),
                enabled=enabled,
            )
        )
    r.unique([s.id for s in states], "states")
    ids = {s.id for s in states}
    for i, s in enumerate(states):
        if s.blend_of and (len(s.blend_of) != 2 or not set(s.blend_of) <= ids):
            raise r.fail(f"states[{i}].blend_of", "two ids of states in this scheme")
    if len([s for s in states if s.enabled]) < 2:
        raise r.fail("states", "at least two enabled states")

    rup = r.obj(top.get("rupture"), "rupture")
    types = []
    for i, item in enumerate(r.list(rup.get("types"), "rupture.types")):
        k = f"rupture.types[{i}]"
        item = r.obj(item, k)
        types.append(
            RuptureType(
                id=r.ident(item, k),
                label=r.text(item, "label", k),
                hint=r.text(item, "hint", k, default="-"),
                key=r.key(item, "key", k),
                markers=r.tags(item.get("markers", []), f"{k}.markers"),
            )
        )
    r.unique([t.id for t in types], "rupture.types")
    r.unique([m.id for t in types for m in t.markers], "rupture.types[].markers")

    rep = r.obj(top.get("repair"), "repair")
    notes = []
    for i, item in enumerate(r.list(top.get("notes"), "notes")):
        k = f"notes[{i}]"
        item = r.obj(item, k)
        notes.append(
            NoteKind(
                id=r.ident(item, k),
                label=r.text(item, "label", k),
                hint=r.text(item, "hint", k, default="-"),
                key=r.key(item, "key", k),
                shape=r.shape(item, k, "+"),
            )
        )
    r.unique([n.id for n in notes], "notes")

    prompts = []
    for i, item in enumerate(r.list(top.get("reflection_prompts", []), "reflection_prompts")):
        k = f"reflection_prompts[{i}]"
        item = r.obj(item, k)
        prompts.append(Prompt(r.ident(item, k), r.text(item, "text", k)))
    r.unique([p.id for p in prompts], "reflection_prompts")

    scheme = Scheme(
        states=tuple(states),
        rupture_label=r.text(rup, "label", "rupture"),
        rupture_key=r.key(rup, "key", "rupture"),
        rupture_colour=r.colour(rup, "rupture"),
        rupture_types=tuple(types),
        repair_label=r.text(rep, "label", "repair"),
        repair_key=r.key(rep, "key", "repair"),
        attempt_label=r.text(rep, "attempt_label", "repair"),
        attempt_key=r.key(rep, "attempt_key", "repair"),
        repair_colour=r.colour(rep, "repair"),
        strategies=r.tags(rep.get("strategies", []), "repair.strategies"),
        notes=tuple(notes),
        prompts=tuple(prompts),
        raw=top,
    )
    check_key_clashes(scheme.shortcuts(), source)
    return scheme


def check_key_clashes(shortcuts: dict[str, str], source: str) -> None:
    """Refuse two actions on one key, or an action on a key the window keeps for itself."""
    owner: dict[str, str] = {}
    for action, key in shortcuts.items():
        if key in RESERVED_KEYS:
            raise SchemeError(source, action, f"a key other than {key} (kept by the window)")
        if key in owner:
            raise SchemeError(source, action, f"a key not already used by {owner[key]} ({key})")
        owner[key] = action


def load_scheme_text(text: str, source: str) -> Scheme:
    """Parse and validate scheme JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemeError(source, f"line {exc.lineno}", f"valid JSON ({exc.msg})") from None
    return parse_scheme(data, source)


def session_scheme(scheme_json: str, session_id: int) -> Scheme:
    """The scheme snapshot a session was recorded with."""
    return load_scheme_text(scheme_json, record_name(session_id))


def default_scheme() -> Scheme:
    """The scheme shipped in resources/."""
    text = resources.files("attune_companion_resources").joinpath("scheme.json").read_text(encoding="utf-8")
    return load_scheme_text(text, "resources/scheme.json")


def load_scheme(path: Path | None = None) -> Scheme:
    """The user's scheme file if given and present, else the default one."""
    if path is None or not path.exists():
        return default_scheme()
    try:
        text = read_user_file(path, MAX_SCHEME_BYTES).decode("utf-8")
    except UnusableInput as exc:
        raise SchemeError(str(path), "(file)", f"an ordinary file ({exc.why})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(str(path), "(file)", f"a readable UTF-8 file ({exc})") from None
    return load_scheme_text(text, str(path))
