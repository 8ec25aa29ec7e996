"""Post-session ratings: their names, in one place, and the client-reported session total.

Ratings are whole numbers from 0 to 10 kept by `Store.set_rating`. The therapist rates the
alliance; the client's session rating (four scales, in the manner of the Session Rating Scale)
is entered by hand after the session.
"""

from __future__ import annotations

ALLIANCE = "alliance"
"""The therapist's own rating of the working alliance."""

SRS_SCALES = ("srs_relationship", "srs_goals", "srs_approach", "srs_overall")
"""The client-reported session rating's four scales, in the order the form asks them."""

RATING_NAMES = (ALLIANCE, *SRS_SCALES)
SRS_MAX = 10 * len(SRS_SCALES)


def srs_total(ratings: dict[str, int]) -> int | None:
    """The client's session rating total (0–40), or None unless all four scales were entered:
    a partial sum would read as a low rating."""
    if not all(name in ratings for name in SRS_SCALES):
        return None
    return sum(ratings[name] for name in SRS_SCALES)
