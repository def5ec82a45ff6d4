"""`# expect: CODE` markers, shared by the rule-example and fixture tests."""
import re

EXPECT = re.compile(r"#\s*expect:\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def expected(text: str) -> set:
    found = set()
    for row, line in enumerate(text.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group(1)):
                found.add((row, code))
    return found
