"""Screenshot a page in Debian's Chromium, optionally after signing in (a dev tool).

    python scripts/screenshot.py URL OUT.png [--width 1440 --height 900] [--login USER:PASSWORD]

Uses the system browser at /usr/bin/chromium; never downloads one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
LOGIN_PATH = "/accounts/login/"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="page to capture, e.g. http://127.0.0.1:8000/today/")
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--login", metavar="USER:PASSWORD", help=f"sign in via {LOGIN_PATH}")
    parser.add_argument(
        "--viewport-only", action="store_true", help="capture the viewport, not the full page"
    )
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per navigation")
    return parser.parse_args(argv)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def reveal_lazy_content(page: Page) -> None:
    """Scroll through the page so loading="lazy" images load before a full-page shot."""
    page.evaluate(
        """async () => {
            const step = Math.max(200, window.innerHeight - 100);
            for (let y = 0; y < document.body.scrollHeight; y += step) {
                window.scrollTo(0, y);
                await new Promise((resolve) => setTimeout(resolve, 60));
            }
            window.scrollTo(0, 0);
        }"""
    )
    page.wait_for_load_state("networkidle")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    timeout_ms = args.timeout * 1000
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.set_default_timeout(timeout_ms)
            # CSP violations and script errors show up here: surface them.
            page.on(
                "console",
                lambda msg: (
                    sys.stderr.write(f"console {msg.type}: {msg.text}\n")
                    if msg.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda exc: sys.stderr.write(f"page error: {exc}\n"))
            if args.login:
                username, sep, password = args.login.partition(":")
                if not sep:
                    sys.stderr.write("--login expects USER:PASSWORD\n")
                    return 2
                page.goto(urljoin(origin_of(args.url), LOGIN_PATH), wait_until="load")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", password)
                with page.expect_navigation(wait_until="load"):
                    page.locator("form:has(input[name=password])").first.evaluate(
                        "form => form.requestSubmit()"
                    )
                if urlsplit(page.url).path == LOGIN_PATH:
                    sys.stderr.write("login failed: still on the login page\n")
                    return 1
            response = page.goto(args.url, wait_until="load")
            if not args.viewport_only:
                reveal_lazy_content(page)
            page.evaluate("document.fonts.ready")
            page.wait_for_timeout(250)  # let fonts swap and htmx settle
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out), full_page=not args.viewport_only)
            status = response.status if response else 0
            sys.stdout.write(f"{args.out} ({status}) {page.title()!r}\n")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
