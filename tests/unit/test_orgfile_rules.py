"""Workflow rules in the org file: normalised with their values in stored form, and every mistake named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_orgfile import base_org, error_of, module
from zcrm.schema.orgfile import OrgFileError, normalise, read_org_file


def with_rule(**rule: Any) -> dict[str, Any]:
    raw = base_org()
    things = module(raw, "Things")
    things["fields"] += [
        {"api_name": "Stage", "data_type": "picklist", "pick_list_values": ["New", "Won"]},
        {"api_name": "Score", "data_type": "integer"},
        {"api_name": "Code", "data_type": "text", "unique": True},
    ]
    things["workflow_rules"] = [{"name": "R", "when": "create", **rule}]
    return raw


def test_a_rule_is_normalised() -> None:
    raw = with_rule(
        when="field_update",
        field="Stage",
        match="any",
        conditions=[
            {"field": "Stage", "operator": "changed_to", "value": "Won"},
            {"field": "Score", "operator": "is_empty"},
        ],
        actions=[{"type": "field_update", "field": "Score", "value": "42"}],
    )
    rules = module(normalise(raw), "Things")["workflow_rules"]
    assert rules == [
        {
            "name": "R",
            "when": "field_update",
            "field": "Stage",
            "match": "any",
            "conditions": [
                {"field": "Stage", "operator": "changed_to", "value": "Won"},
                {"field": "Score", "operator": "is_empty", "value": None},
            ],
            "actions": [
                {"type": "field_update", "field": "Score", "value": 42}
            ],  # coerced to the stored form
            "active": True,
        }
    ]
    assert module(normalise(base_org()), "Things")["workflow_rules"] == []


ACTION = [{"type": "field_update", "field": "Score", "value": 1}]
AT = "modules.Things.workflow_rules[0]"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"when": "sometimes", "actions": ACTION}, f"{AT}: when must be one of"),
        ({"when": "field_update", "actions": ACTION}, f"{AT}: a field_update rule needs 'field'"),
        ({"match": "most", "actions": ACTION}, f"{AT}: match must be 'all' or 'any'"),
        (
            {"conditions": [{"field": "Nope", "operator": "equals", "value": 1}], "actions": ACTION},
            f"{AT}.conditions[0]: a condition needs 'field'",
        ),
        (
            {"conditions": [{"field": "Score", "operator": "near", "value": 1}], "actions": ACTION},
            f"{AT}.conditions[0]: operator must be one of",
        ),
        (
            {"conditions": [{"field": "Score", "operator": "equals"}], "actions": ACTION},
            f"{AT}.conditions[0]: operator 'equals' needs a 'value'",
        ),
        ({"actions": []}, f"{AT}: a rule needs at least one action"),
        (
            {"actions": [{"type": "email", "field": "Score", "value": 1}]},
            f"{AT}.actions[0]: type must be one of",
        ),
        (
            {"actions": [{"type": "field_update", "field": "Other", "value": "1"}]},
            f"{AT}.actions[0]: a field update sets one of the module's plain fields",
        ),
        (
            {"actions": [{"type": "field_update", "field": "Code", "value": "x"}]},
            f"{AT}.actions[0]: a field update cannot set the unique field 'Code'",
        ),
        (
            {"actions": [{"type": "field_update", "field": "Score"}]},
            f"{AT}.actions[0]: a field update needs a 'value'",
        ),
        (
            {"actions": [{"type": "field_update", "field": "Score", "value": "many"}]},
            f"{AT}.actions[0]: invalid value for 'Score' (expected integer)",
        ),
    ],
)
def test_rule_errors(rule: dict[str, Any], message: str) -> None:
    raw = with_rule(**rule)
    assert error_of(raw).startswith(message)


def with_function(source: str, **action: Any) -> dict[str, Any]:
    raw = with_rule(actions=[{"type": "function", "function": "f", **action}])
    raw["functions"] = [{"name": "f", "source": source}]
    return raw


def test_a_function_action_names_its_function() -> None:
    source = "def f(record, zoho):\n    return 1\n"
    definition = normalise(with_function(source))
    [action] = module(definition, "Things")["workflow_rules"][0]["actions"]
    assert action == {"type": "function", "function": "f"}
    assert definition["functions"] == [{"name": "f", "source": source, "handler": "f"}]
    # an action with its code inline (as stored before functions were installed by name) gives the org the function
    inline = with_rule(actions=[{"type": "function", "function": "f", "source": source, "handler": "f"}])
    again = normalise(inline)
    assert module(again, "Things")["workflow_rules"][0]["actions"] == [action]
    assert again["functions"] == definition["functions"]
    clash = with_rule(
        actions=[{"type": "function", "function": "f", "source": "def f(r, z):\n    return 2\n"}]
    )
    clash["functions"] = [{"name": "f", "source": source}]
    assert (
        error_of(clash) == f"{AT}.actions[0]: the code given for 'f' differs from the function of that name"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1\n", "functions[0]: defines no callable 'f'"),
        ("def f(:\n", "functions[0]: SyntaxError: invalid syntax (<zcrm function f>, line 1)"),
        ("return 1\n", "functions[0]: SyntaxError: 'return' outside function (<zcrm function f>, line 1)"),
        # module-level code is not run: a raise is no error, the handler is what is missing
        ("raise ValueError('no')\n", "functions[0]: defines no callable 'f'"),
        (
            "def g():\n    def f(r, z):\n        pass\n",
            "functions[0]: defines no callable 'f'",
        ),  # not top level
    ],
)
def test_function_errors(source: str, message: str) -> None:
    assert error_of(with_function(source)).startswith(message)


def test_a_nul_byte_in_the_source() -> None:
    message = error_of(with_function("x = 1\0\ndef f(r, z):\n    pass\n"))
    assert message.startswith("functions[0]: ") and "cannot contain null bytes" in message


@pytest.mark.parametrize(
    "source",
    [
        "def f(record, zoho):\n    return 1\n",
        "async def f(record, zoho):\n    return 1\n",
        "class f:\n    def __init__(self, record, zoho):\n        pass\n",
        "def g(record, zoho):\n    return 1\nf = g\n",
        "from typing import Any\ndef g(record: Any, zoho: Any) -> int:\n    return 1\nf: Any = g\n",
        "a = f = lambda record, zoho: 1\n",
    ],
)
def test_the_handler_may_be_any_top_level_definition(source: str) -> None:
    assert (
        module(normalise(with_function(source)), "Things")["workflow_rules"][0]["actions"][0]["function"]
        == "f"
    )


def test_loading_a_function_runs_none_of_its_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = (
        f"open({str(marker)!r}, 'w').close()\nimport os\nos._exit(3)\ndef f(record, zoho):\n    return 1\n"
    )
    assert normalise(with_function(source))["functions"][0]["source"] == source
    assert not marker.exists()


def test_a_syntax_error_names_the_file_beside_the_org_file(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "f.py").write_text("def f(record, zoho):\n    return (\n")
    (tmp_path / "org.yaml").write_text(
        "format: zcrm-org/1\nfunctions:\n  - {name: f, file: code/f.py}\nmodules: [{api_name: Things}]\n"
    )
    with pytest.raises(OrgFileError) as info:
        normalise(read_org_file(tmp_path / "org.yaml"))
    assert str(info.value) == "functions[0]: SyntaxError: '(' was never closed (code/f.py, line 2)"


def test_an_action_naming_no_function() -> None:
    raw = with_function("def f(r, z):\n    pass\n", function="g")
    assert error_of(raw) == f"{AT}.actions[0]: 'function' must name one of the org's functions ['f']"


def test_function_files_are_read_beside_the_org_file(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(
        "format: zcrm-org/1\nfunctions:\n  - {name: f, file: code/f.py}\nmodules: []\n"
    )
    with pytest.raises(OrgFileError) as info:
        read_org_file(tmp_path / "org.yaml")
    assert str(info.value).startswith(f"functions[0]: cannot read {tmp_path / 'code' / 'f.py'}")
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "f.py").write_text("def f(record, zoho):\n    return 2\n")
    assert (
        read_org_file(tmp_path / "org.yaml")["functions"][0]["source"]
        == "def f(record, zoho):\n    return 2\n"
    )


def with_webhook(definition: dict[str, Any], **action: Any) -> dict[str, Any]:
    raw = with_rule(actions=[{"type": "webhook", "webhook": "w", **action}])
    raw["webhooks"] = [definition]
    return raw


def test_a_webhook_action_carries_its_target() -> None:
    raw = with_webhook({"name": "w", "url": "https://hooks.test/x", "secret": "k"})
    [action] = module(normalise(raw), "Things")["workflow_rules"][0]["actions"]
    assert action == {
        "type": "webhook",
        "webhook": "w",
        "url": "https://hooks.test/x",
        "body_type": "json",
        "secret": "k",
    }
    again = with_rule(actions=[action])
    assert module(normalise(again), "Things")["workflow_rules"][0]["actions"] == [action]


@pytest.mark.parametrize(
    ("webhook", "message"),
    [
        (
            {"name": "w", "url": "ftp://x", "secret": "k"},
            "webhooks[0]: url must be an http:// or https:// URL",
        ),
        (
            {"name": "w", "url": "http://x", "secret": "k", "body": "xml"},
            "webhooks[0]: body must be 'json' or 'form'",
        ),
        ({"name": "w", "url": "http://x"}, "webhooks[0]: 'secret' is required"),
        ({"url": "http://x", "secret": "k"}, "webhooks[0]: 'name' is required"),
    ],
)
def test_webhook_errors(webhook: dict[str, Any], message: str) -> None:
    assert error_of(with_webhook(webhook)) == message


def test_an_action_naming_no_webhook() -> None:
    raw = with_webhook({"name": "w", "url": "http://x", "secret": "k"}, webhook="v")
    assert error_of(raw) == f"{AT}.actions[0]: 'webhook' must name one of the org's webhooks ['w']"
