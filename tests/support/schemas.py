"""A Musement-shaped customer schema, with the quirks of the real one: `propertyOrder`,
`enum_titles`, a `number` question (which Musement documents as sent as a string), an
activity whose form is an empty JSON array."""

from __future__ import annotations

ACTIVITY = "1714c6a7-2046-11e7-9cc9-06a7e332783f"
EMPTY_ACTIVITY = "2b1ab2a4-2046-11e7-9cc9-06a7e332783f"

MUSEMENT_SCHEMA = {
    "title": "cart_customer_guest",
    "type": "object",
    "properties": {
        "email": {"type": "string", "title": "Email", "format": "email", "propertyOrder": 3},
        "lastname": {"type": "string", "title": "Last name", "propertyOrder": 2},
        "firstname": {"type": "string", "title": "First name", "propertyOrder": 1},
        "musement_newsletter": {
            "type": "string",
            "title": "Musement newsletter",
            "enum": ["YES", "NO"],
            "enum_titles": ["Yes, send me offers", "No, thanks"],
            "propertyOrder": 4,
        },
        "allow_profiling": {
            "type": "string",
            "title": "Profiling",
            "enum": ["NO", "YES"],
            "enum_titles": ["No", "Yes"],
            "propertyOrder": 5,
        },
        "city": {"type": "string", "title": "City", "propertyOrder": 6},
        "extra_customer_data": {
            "type": "object",
            "title": "Extra customer data",
            "propertyOrder": 7,
            "properties": {
                ACTIVITY: {
                    "type": "object",
                    "title": "Sandbox test activity",
                    "properties": {
                        "s_74380": {
                            "type": "string",
                            "title": "Hotel location",
                            "propertyOrder": 2,
                        },
                        "phone_number": {
                            "type": "number",
                            "title": "Phone number",
                            "propertyOrder": 1,
                        },
                        "visit_date": {
                            "type": "string",
                            "format": "date",
                            "title": "Date",
                            "propertyOrder": 3,
                        },
                        "languages": {
                            "type": "array",
                            "title": "Languages",
                            "uniqueItems": True,
                            "propertyOrder": 4,
                            "items": {
                                "type": "string",
                                "enum": ["en", "it"],
                                "enum_titles": ["English", "Italian"],
                            },
                        },
                    },
                    "required": ["phone_number", "s_74380"],
                },
                EMPTY_ACTIVITY: {"type": "object", "title": "Gondola", "properties": []},
            },
        },
    },
    "required": ["firstname", "lastname", "email", "musement_newsletter", "allow_profiling"],
}
