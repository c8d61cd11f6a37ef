"""Benchmark for bot/resources: rendering, splicing into large pages, link checking.

Run: /work/main/.venv/bin/python benchmarks/bench_resources.py [--quick]

1. render_list for every language/region page of the repository's source.
2. splice of the rendered part into human pages of growing size (markers in the
   middle), changed and unchanged, against a baseline measured in the same run: the
   whole page parsed with mwparserfromhell, the markers found among its comment nodes
   and the nodes between them replaced (what a parser-based bot would do).  Both must
   give the same text.
3. check_urls against a local http.server (each answer delayed 50 ms), one worker
   against four.
The summary is the last line.
"""

from __future__ import annotations

import argparse
import http.server
import platform
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import mwparserfromhell  # noqa: E402

from bot.resources import check_urls, load_catalogue, markers, render_list, splice  # noqa: E402

MARKER = "main"


def timed(func, repeat: int) -> float:
    """Best-of-three mean seconds per call of *func* over *repeat* calls."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(repeat):
            func()
        best = min(best, (time.perf_counter() - started) / repeat)
    return best


def human_page(size: int) -> str:
    """A talk-page-like human text of about *size* bytes with the markers in the middle."""
    block = ("== Section ==\nSome text written by people, with [[links]], {{templates}}, "
             "<!-- comments --> and a signature. [[User:Example|Example]] 12:00, "
             "1 May 2026 (UTC)\n:A reply. [[User:Other|Other]] 13:00, 1 May 2026 (UTC)\n\n")
    half = block * max(1, size // (2 * len(block)))
    start, end = markers(MARKER)
    return f"{half}{start}\nold list\n{end}\n{half}"


def parser_splice(page: str, section: str) -> tuple[str, bool]:
    """Baseline: parse the whole page, replace the nodes between the marker comments."""
    code = mwparserfromhell.parse(page)
    start, end = markers(MARKER)
    nodes = code.nodes
    first = next(i for i, n in enumerate(nodes) if str(n) == start)
    last = next(i for i, n in enumerate(nodes) if str(n) == end)
    inner = "".join(str(n) for n in nodes[first + 1:last])
    new_inner = "\n" + section.strip("\n") + "\n"
    if inner == new_inner:
        return page, False
    for node in nodes[first + 1:last]:
        code.remove(node)
    code.insert_after(nodes[first], new_inner)
    return str(code), True


class _Slow(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):  # noqa: N802  (http.server's naming)
        time.sleep(0.05)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller pages, fewer repeats")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"python {platform.python_version()}")

    catalogue = load_catalogue()
    pages = [(lang, region) for lang in ("en", "de")
             for region in (None, "US", "GB", "DE", "AT", "CH")]
    render_s = timed(lambda: [render_list(catalogue.resources, lang=lang, region=region)
                              for lang, region in pages], 3 if args.quick else 10) / len(pages)
    section = render_list(catalogue.resources, lang="en")
    print(f"render_list: {render_s * 1000:.2f} ms per page ({len(pages)} language/region "
          f"pages, {len(section)} bytes for the largest)")

    sizes = (20_000, 200_000) if args.quick else (50_000, 500_000, 2_000_000)
    ratios = []
    for size in sizes:
        page = human_page(size)
        ours, changed = splice(page, section, MARKER)
        theirs, changed_b = parser_splice(page, section)
        assert (ours, changed) == (theirs, changed_b), "splice and baseline disagree"
        assert splice(ours, section, MARKER) == (ours, False)
        repeat = max(1, 2_000_000 // size) if not args.quick else 2
        splice_s = timed(lambda: splice(page, section, MARKER), repeat)
        same_s = timed(lambda: splice(ours, section, MARKER), repeat)
        base_s = timed(lambda: parser_splice(page, section), max(1, repeat // 20))
        ratio = base_s / splice_s
        ratios.append(ratio)
        print(f"page {len(page) / 1e6:.2f} MB: splice {splice_s * 1000:.3f} ms "
              f"(unchanged {same_s * 1000:.3f} ms, {len(page) / splice_s / 1e6:.0f} MB/s); "
              f"parse-whole-page baseline {base_s * 1000:.1f} ms; ratio x{ratio:.0f}")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{server.server_address[1]}/r{i}" for i in range(24)]
    one = timed(lambda: check_urls(urls, workers=1, timeout=5, trust_env=False), 1)
    four = timed(lambda: check_urls(urls, workers=4, timeout=5, trust_env=False), 1)
    assert all(r.ok for r in check_urls(urls, workers=4, timeout=5, trust_env=False))
    server.shutdown()
    server.server_close()
    print(f"check_urls: {len(urls)} links with 50 ms answers: 1 worker {one:.2f} s, "
          f"4 workers {four:.2f} s (x{one / four:.1f})")

    print(f"SUMMARY: render {render_s * 1000:.2f} ms/page; splice x{min(ratios):.0f}-"
          f"x{max(ratios):.0f} faster than parse-whole-page on "
          f"{sizes[0] // 1000}KB-{sizes[-1] // 1000}KB pages, identical output; "
          f"link check x{one / four:.1f} faster with 4 workers than 1")


if __name__ == "__main__":
    main()
