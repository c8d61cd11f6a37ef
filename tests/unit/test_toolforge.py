"""The Toolforge job definitions: structure, schedules, and commands that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
JOBS = yaml.safe_load((REPO / "toolforge" / "jobs.yaml").read_text())
ALLOWED = {"name", "command", "image", "schedule", "continuous", "wait", "emails",
           "filelog", "no-filelog", "mem", "cpu", "retry", "mount", "filelog-stdout",
           "filelog-stderr"}
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def test_jobs_are_a_list_with_unique_dns_names():
    names = [job["name"] for job in JOBS]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?", n) for n in names)


@pytest.mark.parametrize("job", JOBS, ids=[j["name"] for j in JOBS])
def test_job_structure(job):
    assert set(job) <= ALLOWED, set(job) - ALLOWED
    assert job["image"].startswith("python3.")
    kinds = [k for k in ("schedule", "continuous") if job.get(k)]
    assert len(kinds) <= 1, "a job is scheduled, continuous or one-off, not several"
    assert job.get("emails", "none") in ("none", "all", "onfinish", "onfailure")


@pytest.mark.parametrize("job", [j for j in JOBS if "schedule" in j],
                         ids=[j["name"] for j in JOBS if "schedule" in j])
def test_schedules_are_valid_cron(job):
    fields = job["schedule"].split()
    assert len(fields) == 5
    for field, (low, high) in zip(fields, CRON_RANGES):
        assert CRON_FIELD.match(field), field
        for number in map(int, re.findall(r"\d+", field.split("/")[0])):
            assert low <= number <= high, (field, low, high)


@pytest.mark.parametrize("job", JOBS, ids=[j["name"] for j in JOBS])
def test_commands_exist_in_the_project(job):
    words = shlex.split(job["command"])
    program = words[0].replace("$HOME/noticeboard-helper/", "")
    assert (REPO / program).is_file(), program
    assert (REPO / program).stat().st_mode & 0o111, f"{program} is not executable"
    if program == "toolforge/run":
        script = words[1]
        assert (REPO / "scripts" / f"{script}.py").is_file(), script
        # Every option the job passes is one the script documents.
        doc = (REPO / "scripts" / f"{script}.py").read_text()
        for option in words[2:]:
            assert option.split(":")[0] in doc, option
