"""Every action the code writes to the audit log has a label in
`console.audit.ACTION_LABELS`, and the audit page shows labels in the account's
language instead of raw action names.

The source is read, not run: every `audit.record(...)` call under src/tuidang,
with its action worked out from the code — a literal, an f-string, a name
narrowed by the `if` around the call (`action in ("disable", "enable")`), a
name checked against a module's dict (`ACTIONS.get(action)`), or a parameter
of a wrapper (`_audit(request, "campaign_created", …)`, `_close(…,
"unseal_refused")`). A call whose action cannot be worked out fails the test
too, so a new action cannot slip past unlabelled."""

import ast
import itertools
import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.factories import make_declaration
from tuidang.console import audit
from tuidang.console.models import Volunteer

from .personas import sign_in

SOURCE = Path(__file__).resolve().parents[2] / "src" / "tuidang"


class Unresolved(Exception):
    pass


class Module:
    def __init__(self, path: Path):
        self.path = path
        self.tree = ast.parse(path.read_text(), filename=str(path))
        self.parents = {
            child: parent
            for parent in ast.walk(self.tree)
            for child in ast.iter_child_nodes(parent)
        }

    def ancestors(self, node):
        while node in self.parents:
            node, child = self.parents[node], node
            yield node, child

    def function_of(self, node):
        return next(
            (
                a
                for a, _ in self.ancestors(node)
                if isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef)
            ),
            None,
        )

    def module_dict_keys(self, name: str) -> set[str] | None:
        for statement in self.tree.body:
            if (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
                and isinstance(statement.value, ast.Dict)
            ):
                return {k.value for k in statement.value.keys if isinstance(k, ast.Constant)}
        return None

    def calls_of(self, function_name: str):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                func = node.func
                if (isinstance(func, ast.Name) and func.id == function_name) or (
                    isinstance(func, ast.Attribute) and func.attr == function_name
                ):
                    yield node


def _constants(node) -> set[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return {e.value for e in node.elts}
    return None


def _narrowed(test, name: str) -> set[str] | None:
    """The values `name` can have where `test` is true, if the test says."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        found = [v for v in (_narrowed(value, name) for value in test.values) if v is not None]
        return set.intersection(*found) if found else None
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == name
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq | ast.In)
    ):
        return _constants(test.comparators[0])
    return None


def _argument(call: ast.Call, position: int, keyword: str):
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[position]
    raise Unresolved(f"line {call.lineno}: no {keyword!r} argument")


def resolve(module: Module, node) -> set[str]:
    """Every value the expression `node` can take as an action."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append({value.value})
            elif isinstance(value, ast.FormattedValue) and value.format_spec is None:
                parts.append(resolve(module, value.value))
            else:
                raise Unresolved(f"line {node.lineno}: an f-string part")
        return {"".join(p) for p in itertools.product(*parts)}
    if isinstance(node, ast.Name):
        return _resolve_name(module, node)
    raise Unresolved(f"line {node.lineno}: {ast.unparse(node)}")


def _resolve_name(module: Module, node: ast.Name) -> set[str]:
    name = node.id
    # Narrowed by the `if` branches the use sits in.
    narrowed = [
        values
        for parent, child in module.ancestors(node)
        if isinstance(parent, ast.If)
        and child in parent.body
        and (values := _narrowed(parent.test, name)) is not None
    ]
    if narrowed:
        return set.intersection(*narrowed)
    function = module.function_of(node)
    if function is None:
        raise Unresolved(f"line {node.lineno}: {name} outside a function")
    # Checked against a module-level dict of the function: `handler = ACTIONS.get(action)`.
    for inner in ast.walk(function):
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr == "get"
            and isinstance(inner.func.value, ast.Name)
            and inner.args
            and isinstance(inner.args[0], ast.Name)
            and inner.args[0].id == name
            and (keys := module.module_dict_keys(inner.func.value.id)) is not None
        ):
            return keys
    # A parameter of a wrapper: whatever its callers in the module pass.
    parameters = [a.arg for a in function.args.posonlyargs + function.args.args]
    if name in parameters:
        calls = list(module.calls_of(function.name))
        if not calls:
            raise Unresolved(f"line {node.lineno}: nobody calls {function.name}()")
        position = parameters.index(name)
        return set().union(*(resolve(module, _argument(c, position, name)) for c in calls))
    raise Unresolved(f"line {node.lineno}: where {name} comes from")


def _is_record_call(node) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "record"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "audit"
    )


def written_actions(root: Path = SOURCE) -> tuple[dict[str, set[str]], list[str]]:
    """Every action written in the source (action → where), and the calls
    whose action could not be worked out."""
    actions: dict[str, set[str]] = {}
    unresolved = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = Module(path)
        where = path.relative_to(root)
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ImportFrom) and node.module == "tuidang.console.audit":
                unresolved.append(f"{where}: imports from audit directly; call audit.record")
            if isinstance(node, ast.ImportFrom) and node.module == "tuidang.console":
                if any(a.name == "audit" and a.asname not in (None, "audit") for a in node.names):
                    unresolved.append(f"{where}: imports audit under another name")
            if not _is_record_call(node):
                continue
            try:
                for action in resolve(module, _argument(node, 1, "action")):
                    actions.setdefault(action, set()).add(f"{where}:{node.lineno}")
            except Unresolved as error:
                unresolved.append(f"{where}: {error}")
    return actions, unresolved


def test_every_action_written_in_the_code_has_a_label():
    actions, unresolved = written_actions()
    assert unresolved == [], "audit.record calls whose action this test cannot work out"
    # The reading sees the actions of every kind of call site.
    assert {
        "login",  # a literal
        "organisation_deactivated",  # an f-string narrowed by its `if`
        "organisation_reactivated",
        "disable",  # a name narrowed by its `if`
        "release",  # moderation's ACTIONS
        "unseal_cancelled",  # a wrapper's parameter (unsealing._close)
        "campaign_created",  # the campaign pages' _audit()
        "intake",
    } <= set(actions)
    missing = {
        action: sorted(where)
        for action, where in actions.items()
        if action not in audit.ACTION_LABELS
    }
    assert missing == {}, "add these actions to console/audit.py ACTION_LABELS"


def test_the_reading_finds_new_actions_and_refuses_what_it_cannot_tell(tmp_path):
    (tmp_path / "new.py").write_text(
        "from tuidang.console import audit\n"
        "def a(request, kind):\n"
        "    audit.record(request.user, 'brand_new')\n"
        "    if kind in ('x', 'y'):\n"
        "        audit.record(request.user, f'thing_{kind}ed')\n"
        "    audit.record(request.user, request.POST['action'])\n"
    )
    actions, unresolved = written_actions(tmp_path)
    assert set(actions) == {"brand_new", "thing_xed", "thing_yed"}
    assert len(unresolved) == 1 and "new.py" in unresolved[0]


def test_an_unknown_action_is_shown_as_written():
    with translation.override("en"):
        assert audit.label("something_new") == "something_new"
        assert audit.label("login") == "Signed in"
        assert audit.detail("intake", "hotline") == "Hotline"
        assert audit.detail("role_set", "olga caller") == "olga caller"


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_every_label_is_translated(language):
    with translation.override("en"):
        english = {action: audit.label(action) for action in audit.ACTION_LABELS}
    with translation.override(language):
        same = [action for action in audit.ACTION_LABELS if audit.label(action) == english[action]]
    assert same == []


@pytest.mark.django_db
def test_the_audit_page_shows_labels_in_the_account_language(personas):
    audit.record(None, "organisation_deactivated", detail="league")
    audit.record(None, "unseal_export_failed", detail="request 3: disk full")
    audit.record(None, "intake", declaration_id=make_declaration().declaration_id, detail="fax")
    Volunteer.objects.filter(user__username="ada").update(language="zh-hans")
    page = sign_in("ada").get("/console/audit/").content.decode()
    texts = re.findall(r">([^<]+)<", page)
    for action in ("login", "organisation_deactivated", "unseal_export_failed", "intake"):
        assert f'data-action="{action}">' in page
        assert not [text for text in texts if action in text]  # no raw name shown
    assert 'data-action="login">登录</td>' in page
    assert 'data-action="organisation_deactivated">停用了组织 · league</td>' in page
    assert 'data-action="intake">录入 · 传真</td>' in page
