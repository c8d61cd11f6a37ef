"""Set-up mistakes become one clear line each."""

from __future__ import annotations

from bot.preflight import check_user_config

GOOD = "family = 'localpub'\npassword_file = 'user-password.py'\n"


def write(tmp_path, config=GOOD, password="('Bot', BotPassword('app', 'x'))\n", mode=0o600):
    (tmp_path / "user-config.py").write_text(config)
    if password is not None:
        (tmp_path / "user-password.py").write_text(password)
        (tmp_path / "user-password.py").chmod(mode)


def test_good_setup_has_no_problems(tmp_path):
    write(tmp_path)
    assert check_user_config(tmp_path) == []


def test_syntax_error_names_file_and_line(tmp_path):
    write(tmp_path, config=GOOD + "family_files['x' = 1\n")
    [problem] = check_user_config(tmp_path)
    assert "user-config.py line 3" in problem and "syntax" in problem


def test_missing_password_file(tmp_path):
    write(tmp_path, password=None)
    [problem] = check_user_config(tmp_path)
    assert "does not exist" in problem


def test_password_file_readable_by_others(tmp_path):
    write(tmp_path, mode=0o644)
    [problem] = check_user_config(tmp_path)
    assert "chmod 600" in problem


def test_importing_pywikibot_is_refused(tmp_path):
    write(tmp_path, config="import pywikibot.family\n" + GOOD)
    [problem] = check_user_config(tmp_path)
    assert "must not import pywikibot" in problem


def test_missing_config(tmp_path):
    [problem] = check_user_config(tmp_path)
    assert "user-config.py.sample" in problem
