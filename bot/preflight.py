"""Check a Pywikibot set-up before running a script, with one clear line per problem.

Pywikibot executes ``user-config.py`` when it is first imported, so a typo there
ends every script with a traceback before our code runs.  ``make demo`` and the
Toolforge jobs run this check first::

    python -m bot.preflight          # exit status 1 and one line per problem
"""

from __future__ import annotations

import ast
import os
import stat
import sys
from pathlib import Path


def pywikibot_dir() -> Path:
    """The directory Pywikibot will read (PYWIKIBOT_DIR, else the current one)."""
    return Path(os.environ.get("PYWIKIBOT_DIR") or os.getcwd())


def check_user_config(directory: Path | None = None) -> list[str]:
    """Problems with ``user-config.py`` and its password file (empty: fine)."""
    directory = directory or pywikibot_dir()
    config_file = directory / "user-config.py"
    if not config_file.exists():
        return [f"{config_file} does not exist; copy user-config.py.sample there and "
                f"edit it (or set PYWIKIBOT_DIR)"]
    try:
        tree = ast.parse(config_file.read_text(encoding="utf-8"), str(config_file))
    except SyntaxError as exc:
        return [f"{config_file} line {exc.lineno}: Python syntax error ({exc.msg}); "
                f"fix that line"]
    assigned = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    problems = []
    for node in ast.walk(tree):
        names = [getattr(node, "module", None) or ""] + [
            a.name for a in getattr(node, "names", ())]
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                n.split(".")[0] == "pywikibot" for n in names):
            problems.append(f"{config_file} line {node.lineno}: user-config.py must not "
                            f"import pywikibot (circular import)")
    password = assigned.get("password_file")
    if isinstance(password, ast.Constant) and isinstance(password.value, str):
        problems += _check_password_file(directory / password.value)
    return problems


def _check_password_file(path: Path) -> list[str]:
    if not path.exists():
        return [f"the password file {path} named in user-config.py does not exist; "
                f"create it with your BotPassword line (see user-config.py.sample)"]
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [f"{path} is readable by others; run: chmod 600 {path}"]
    try:
        entries = [ast.parse(line.strip(), mode="eval") for line in
                   path.read_text(encoding="utf-8").splitlines()
                   if line.strip() and not line.lstrip().startswith("#")]
    except SyntaxError as exc:
        return [f"{path} line {exc.lineno}: not a valid password line "
                f"(expected: ('Account', BotPassword('appid', 'secret')))"]
    if not entries:
        return [f"{path} has no password line; add ('Account', BotPassword('appid', "
                f"'secret'))"]
    return []


def main() -> int:
    """Print each problem on one line; exit status 1 when there are any."""
    problems = check_user_config()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
