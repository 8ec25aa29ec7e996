"""Client codes: pseudonyms, tidied and matched case-blind; names draw a gentle warning."""

import pytest

from companion.clients import MAX_LEN, match_key, name_warning, normalise
from companion.errors import InvalidClientCode


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


@pytest.mark.parametrize("code", ["Jane Doe", "Doe, Jane", "Mary-Ann Smith", "  Jane   Doe "])
def test_a_code_that_looks_like_a_name_draws_a_warning(code):
    warning = name_warning(code)

    assert warning is not None
    assert " ".join(code.split()) in warning
    assert "pseudonym" in warning


@pytest.mark.parametrize("code", ["K-07", "JD 12", "client a", "Jane", "K07 Doe", ""])
def test_a_code_that_does_not_look_like_a_name_draws_none(code):
    assert name_warning(code) is None
