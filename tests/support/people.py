"""Fictional people the tests fill forms with: participants (one ticket each) and customers."""

from __future__ import annotations

from .common import GRACE

ADA = {
    "salutation": "Ms",
    "firstname": "Ada",
    "lastname": "Lovelace",
    "date_of_birth": "1815-12-10",
}
CHARLES = {
    "salutation": "Mr",
    "firstname": "Charles",
    "lastname": "Babbage",
    "date_of_birth": "1791-12-26",
}
# A traveller for the passport questions.
TRAVELLER = {
    "firstname": "Grace",
    "lastname": "Hopper",
    "date_of_birth": "1906-12-09",
    "nationality": "United States",
    "passport": "X1234567",
}
# A complete customer for a cart with the sandbox test activity (its answers: KATHERINE_EXTRA).
KATHERINE = {
    "firstname": "Katherine",
    "lastname": "Johnson",
    "email": "katherine.johnson@example.org",
    "musement_newsletter": "NO",
    "allow_profiling": "NO",
    "thirdparty_newsletter": "NO",
    "events_related_newsletter": "NO",
}
KATHERINE_EXTRA = {"phone_number": "5550100199", "s_74380": "Langley Lodge"}
# GRACE (tests/support/common.py) saying YES to related-activity newsletters, and her answers to the
# sandbox test activity's questions.
BASE_CUSTOMER = {**GRACE, "events_related_newsletter": "YES"}
TEST_ACTIVITY_ANSWERS = {"phone_number": "1234567890", "s_74380": "Hotel Artemide"}
