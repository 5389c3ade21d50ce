"""WCAG 2.1 AA checks of a page open in the browser, with axe-core (bundled by axe-playwright-python, so offline).

Polish public bodies must publish accessible documents (ustawa o dostępności cyfrowej, WCAG 2.1 AA), and a gmina
puts the kit's reports on its BIP. Every browser test that renders an output calls :func:`assert_accessible`.
"""

from __future__ import annotations

WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_violations(page, *, context: str | dict | None = None, tags: tuple[str, ...] = WCAG_AA) -> list[dict]:
    """axe-core's violations (WCAG 2.1 A and AA rules only) on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return Axe().run(page, context=context, options=options).response["violations"]


def describe(violations: list[dict], limit: int = 5) -> str:
    """One line per rule with the first offending elements: enough to find the fix without rerunning."""
    lines = []
    for violation in violations:
        targets = [", ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])[:limit]]
        lines.append(f"{violation['id']} ({violation.get('impact')}, {len(violation.get('nodes', []))}×): "
                     f"{violation.get('help')} — {'; '.join(targets)}")
    return "\n".join(lines)


def assert_accessible(page, name: str, *, context: str | dict | None = None) -> None:
    violations = axe_violations(page, context=context)
    assert not violations, f"{name}: {len(violations)} WCAG 2.1 AA rule(s) broken:\n{describe(violations)}"
