"""tools/field_guide.py: the questions of a form as the schema tools return them (`guide`),
and the path helpers problems are sorted and labelled by."""

from __future__ import annotations

from musement_mcp.tools.field_guide import FieldGuide, field_pattern, guide, parent_path
from musement_mcp.tools.models import FormField


def test_a_question_has_every_field_the_published_result_promises() -> None:
    question = FieldGuide(path="email", title="Email", type="string", required=True)
    # The schema tools' results are validated against FormField: nothing more, nothing less.
    assert set(question.as_dict()) == set(FormField.model_fields)
    assert FormField.model_validate(question.as_dict()).path == "email"


def test_options_drop_a_label_that_only_repeats_the_value() -> None:
    question = FieldGuide(
        path="allow_profiling",
        title="Profiling",
        type="string",
        required=True,
        options=[
            {"value": "YES", "label": "yes"},  # the value, whatever the case
            {"value": "NO", "label": "No, thanks"},
            {"value": 3, "label": "3"},
        ],
    )
    (listed,) = guide([question])["fields"]
    assert listed["options"] == [
        {"value": "YES"},
        {"value": "NO", "label": "No, thanks"},
        {"value": 3},
    ]
    # The guide's own options are untouched (a compiled schema is shared).
    assert question.options is not None and question.options[0]["label"] == "yes"


def test_the_order_of_the_questions_is_kept() -> None:
    paths = ["lastname", "firstname", "extra_customer_data.a.phone"]
    fields = [FieldGuide(path=p, title=p, type="string", required=False) for p in paths]
    assert [f["path"] for f in guide(fields)["fields"]] == paths
    assert guide([]) == {"fields": []}


def test_paths_and_their_patterns() -> None:
    assert field_pattern("participants.1.firstname") == "participants.*.firstname"
    assert field_pattern("participants.12.answers.0") == "participants.*.answers.*"
    assert field_pattern("email") == "email"
    assert field_pattern("a1.b2") == "a1.b2"  # only whole numbers are positions
    assert parent_path("extra_customer_data.a.phone") == "extra_customer_data.a"
    assert parent_path("email") == ""
