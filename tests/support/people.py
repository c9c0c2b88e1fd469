"""Fictional participants for the participants-info tests (one ticket each)."""

from __future__ import annotations

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
