"""Client codes: pseudonyms, tidied and matched case-blind; names draw a gentle warning."""

import pytest

from attune_companion.clients import MAX_LEN, match_key, name_warning, normalise
from attune_companion.errors import InvalidClientCode


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("K-07", "K-07"), ("  K-07 ", "K-07"), ("JD   12", "JD 12"), ("client\ta", "client a"),
     ("c_3.b#1", "c_3.b#1"), ("Zoë 4", "Zoë 4"), ("x" * MAX_LEN, "x" * MAX_LEN)],
)
def test_a_code_is_trimmed_and_inner_spaces_collapsed(typed, stored):
    assert normalise(typed) == stored


def test_codes_that_differ_only_in_case_or_spacing_are_one_client():
    assert match_key("k-07") == match_key(" K-07 ") == match_key("K-07") == "k-07"
    assert match_key("JD  12") == match_key("jd 12")
    assert match_key("K-07") != match_key("K-70")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("", "Enter a client code"), ("   ", "Enter a client code"),
     ("x" * (MAX_LEN + 1), "at most 32 characters"),
     ("K/07", "letters, digits, spaces and . - _ # only"),
     ("K@07", "letters, digits, spaces and . - _ # only"),
     ("<b>K</b>", "letters, digits, spaces and . - _ # only"),
     ("K-07 🙂", "letters, digits, spaces and . - _ # only")],
)
def test_empty_too_long_or_odd_codes_are_refused(typed, reason):
    with pytest.raises(InvalidClientCode, match=reason):
        normalise(typed)
    with pytest.raises(InvalidClientCode):
        match_key(typed)


def test_a_fullwidth_code_is_the_same_client_as_the_one_typed_plainly():
    """An input method (or a paste) may give 'Ｋ-０７': it is K-07, not a second client."""
    assert normalise("Ｋ-０７") == "K-07"
    assert match_key("Ｋ-07") == match_key("ｋ－07") == match_key("K-07") == "k-07"


def test_a_fullwidth_code_starts_a_session_of_the_existing_client():
    from attune_companion.clock import FakeClock
    from attune_companion.recorder import Recorder
    from attune_companion.scheme import default_scheme
    from attune_companion.store import Store

    store = Store.memory()
    for code in ("K-07", "Ｋ-07"):
        Recorder.start(store, default_scheme(), FakeClock(), code).end()
    assert store.client_codes() == ["K-07"]
    assert len(store.sessions("K-07")) == 2


NAMES = [
    "Jane Doe", "Doe, Jane", "Mary-Ann Smith", "  Jane   Doe ", "JANE SMITH", "jane smith",
    "Dr. Jane Smith", "dr jane smith", "DR. SMITH", "Mrs Smith", "Ms. J. Smith", "Mx Lee",
    "Prof. Ana María López", "J. Smith", "Jane D", "Zoë Müller", "Ｊａｎｅ Ｓｍｉｔｈ",
    "Blue River",  # a two-word pseudonym reads like a name too: the warning is gentle
]
CODES = [
    "K-07", "JD 12", "JS 12", "AB-3", "AB 3", "Client 7", "Client Seven", "client a",
    "Couple 4", "Jane", "K07 Doe", "AB CD", "Dr", "c_3.b#1", "Zoë 4", "X-Ray 9", "",
]


@pytest.mark.parametrize("code", NAMES)
def test_a_code_that_looks_like_a_name_draws_a_warning(code):
    warning = name_warning(code)

    assert warning is not None
    assert "pseudonym" in warning


def test_the_warning_quotes_the_code_as_it_would_be_kept():
    assert "“Jane Doe”" in name_warning("  Jane   Doe ")


@pytest.mark.parametrize("code", CODES)
def test_a_code_that_does_not_look_like_a_name_draws_none(code):
    assert name_warning(code) is None
