"""Helpers for browser tests that are not fixtures: axe-core checks and screenshots."""

from pathlib import Path

SCREENSHOTS = Path("/tmp/browser-shots")
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core (bundled with axe-playwright-python, loaded from disk) on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict]) -> str:
    """A readable report: rule, impact, help, and the first few offending elements."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(
                f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return "\n".join(lines)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshot_parts(page, name: str, height: int = 900) -> list[Path]:
    """A long phone page in screen-high slices (a full-page PNG of a 320 px page is unreadable)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    total = page.evaluate("document.documentElement.scrollHeight")
    paths = []
    for index, top in enumerate(range(0, total, height)):
        path = SCREENSHOTS / f"{name}-{index + 1}.png"
        clip = {"x": 0, "y": top, "width": width, "height": min(height, total - top)}
        page.screenshot(path=str(path), full_page=True, clip=clip)
        paths.append(path)
    return paths
