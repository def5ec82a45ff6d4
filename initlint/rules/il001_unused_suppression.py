import re

from ..diagnostics import WARNING
from ..facts import SuppressionComment
from ..fixgoal import SAFE, TEXT, FixGoal
from .base import Finding, Rule

_DIRECTIVE = re.compile(r"#\s*noqa(?::\s*(?P<noqa>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?"
                        r"|#\s*initlint:\s*ignore(?:\[(?P<ignore>[^\]]*)\])?", re.IGNORECASE)
OWN_PREFIX = "IL"


def unused_codes(comment: SuppressionComment):
    """Listed initlint codes that suppressed nothing. Judged only where the rules ran: a code is
    unused when some enabled rule has it (or starts with it) and nothing it names was suppressed;
    an IL code that names no rule at all is unused too (a typo)."""
    unused = []
    for code in comment.codes:
        if not code.startswith(OWN_PREFIX) or code in comment.used:
            continue
        known = [rule for rule in comment.known if rule.startswith(code)]
        if not known or any(rule in comment.enabled for rule in known):
            unused.append(code)
    return unused


def without(text: str, unused) -> str:
    """The comment with the unused codes (and directives left empty) taken out."""
    def rewrite(match):
        listed = match.group("noqa") if match.group("noqa") is not None else match.group("ignore")
        if listed is None:
            return ""  # a bare directive: only reported when unused
        kept = [c for c in re.split(r"[\s,]+", listed.strip()) if c and c.upper() not in unused]
        if not kept:
            return ""
        if match.group("noqa") is not None:
            return f"# noqa: {', '.join(kept)}"
        return f"# initlint: ignore[{', '.join(kept)}]"

    rest = _DIRECTIVE.sub(rewrite, text).strip()
    return "" if rest.strip("# ") == "" else (rest if rest.startswith("#") else "# " + rest)


class UnusedSuppression(Rule):
    """
    ## What it does
    Finds a suppression comment (`# noqa: IL201`, `# initlint: ignore[IL101]`, a bare
    `# initlint: ignore`) that suppresses nothing on its line: the rule it names reports nothing
    there. Off by default (like ruff's RUF100).

    Only codes of rules that ran are judged, so `--select` or `ignore` never makes a needed
    comment look unused; an `IL` code that names no rule is reported (a typo). Codes of other
    tools (`# noqa: E501`) and a bare `# noqa` are left alone.

    ## Why is this bad
    A suppression that no longer suppresses anything hides the next real finding on that line
    and tells readers something is wrong there when nothing is.

    ## Example
    ```python
    nn.init.kaiming_normal_(self.fc.weight)  # noqa: IL201
    ```

    ## Use instead
    ```python
    nn.init.kaiming_normal_(self.fc.weight)
    ```

    ## Fix safety
    Safe: only the unused codes are removed (the whole comment when none is left); the code and
    other tools' codes stay.

    ## Options
    Off by default; enable it with `extend-select = ["IL001"]`.

    ## References
    - ruff, rule [RUF100 (unused-noqa)](https://docs.astral.sh/ruff/rules/unused-noqa/)
    """

    code = "IL001"
    name = "unused-suppression"
    severity = WARNING
    default_enabled = False
    reads_every_file = True  # a `# noqa` in a file without any init code is unused too
    fix_availability = "safe"
    precision = "very-high"
    facts = (SuppressionComment,)

    VALID = (
        """
import torch.nn as nn
fc = nn.Linear(64, 64)  # noqa: E501
x = 1  # noqa
""",
    )
    INVALID = (
        """
import torch.nn as nn
fc = nn.Linear(64, 64)  # initlint: ignore  # expect: IL001
y = 2  # noqa: IL999  # expect: IL001
""",
    )

    def check(self, comment):
        if "IL001" in comment.codes:
            return
        if not comment.codes:
            if comment.used or "noqa" in comment.text.lower():
                return
            unused = []
            what = "`# initlint: ignore`"
        else:
            unused = unused_codes(comment)
            if not unused:
                return
            what = ", ".join(f"`{code}`" for code in unused)
        kept = without(comment.text, unused)
        replacement = f"  {kept}" if kept and comment.span.column > 1 else kept
        action = "Remove the unused suppression" if not kept else f"Remove {what}"
        yield Finding(
            WARNING,
            f"unused suppression: {what} suppresses nothing on this line",
            "remove it" if not kept else f"remove {what} from the comment",
            FixGoal(TEXT, applicability=SAFE, replacement=replacement, message=action),
        )
