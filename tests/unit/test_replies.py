"""Reply drafting (bot/drafts.py) and the reply checker (bot/replies.py), handbook H7."""

from __future__ import annotations

import dataclasses
import itertools
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import drafts, replies
from bot.drafts import draft_reply, resources_for_reply
from bot.errors import DataError, UsageError
from bot.replies import (AUDIENCES, OUTCOMES, TRAINING_FILES, Finding, check, load_rules,
                         passes, worst)

DATA = Path(__file__).resolve().parent.parent / "data" / "replies"
# Each split is read from several files: the first corpus, and German cases added later.
SPLITS = {"dev": TRAINING_FILES,  # every dev file (tests/unit/test_reply_model.py checks)
          "heldout": ("heldout", "de_heldout")}
FILES = {name: yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))["cases"]
         for names in SPLITS.values() for name in names}
CORPORA = {split: [case for name in names for case in FILES[name]]
           for split, names in SPLITS.items()}
LANGS = ("en", "de")
ISSUE_CODES = frozenset({
    "no-support-resources", "no-emergency-route", "disbelief-or-blame",
    "threatens-or-discourages-victim", "suggests-contacting-harasser",
    "personal-opinion-on-guilt", "pushes-advocacy", "counselling-advice", "legal-advice",
    "emotional-outcome", "too-terse", "shares-confidential-details",
    "judgmental-to-subject"})
COMBINATIONS = [(o, a) for o, a in itertools.product(OUTCOMES, AUDIENCES)
                if not (o == "malicious-report-subject" and a == "reporter")]


def _codes(findings: list[Finding], severities=("error", "warning")) -> set[str]:
    return {f.code for f in findings if f.severity in severities}


def _flagged_by_rules(lang: str, outcome: str, audience: str, code: str, text: str) -> bool:
    """Whether the rules alone (no model) raise *code* as a warning or error on *text*."""
    return code in _codes(check(text, lang=lang, outcome=outcome, audience=audience,
                                learned=False))


def _check_case(case: dict) -> set[str]:
    return _codes(check(case["text"], lang=case["lang"], outcome=case["outcome"],
                        audience=case["audience"]))


# ------------------------------------------------------------------------ the corpus
@pytest.mark.parametrize("case", [pytest.param(c, id=f"dev:{c['id']}")
                                  for c in CORPORA["dev"]])
def test_dev_corpus_reply_raises_exactly_its_labelled_codes(case):
    assert _check_case(case) == set(case["expect"])


def test_heldout_corpus_meets_the_issue_targets():
    """Aggregate only: held-out cases are not read one by one while tuning rules."""
    tp, fp, fn = {}, {}, {}
    good_flagged = []
    for case in FILES["heldout"]:
        expected, got = set(case["expect"]), _check_case(case)
        for code in got | expected:
            tp[code] = tp.get(code, 0) + (code in got and code in expected)
            fp[code] = fp.get(code, 0) + (code in got and code not in expected)
            fn[code] = fn.get(code, 0) + (code in expected and code not in got)
        if not expected and got:
            good_flagged.append(case["id"])
    assert good_flagged == [], "a good held-out reply got a warning or error"
    for code in tp:
        if tp[code] + fn[code] >= 5:
            assert tp[code] / (tp[code] + fn[code]) >= 0.9, code
            assert tp[code] / (tp[code] + fp[code]) >= 0.85, code
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    assert total_tp / (total_tp + total_fn) >= 0.9
    assert total_tp / (total_tp + total_fp) >= 0.85


def test_corpora_are_big_enough_and_labelled_with_known_codes():
    for name, minimum_en, minimum_de in (("dev", 40, 35), ("heldout", 20, 25)):
        cases = CORPORA[name]
        assert sum(c["lang"] == "en" for c in cases) >= minimum_en
        assert sum(c["lang"] == "de" for c in cases) >= minimum_de
        assert len({c["id"] for c in cases}) == len(cases), f"{name}: duplicate ids"
        for case in cases:
            known = replies.rules_for(case["lang"]).codes
            assert set(case["expect"]) <= known, case["id"]
            replies.resolve(case["outcome"], case["audience"])  # valid pair


def test_every_contract_code_has_several_german_examples_in_both_splits():
    """The issue asks for several examples per code in both languages, held out too."""
    for code in ISSUE_CODES:
        per_split = {split: sum(code in c["expect"] for c in CORPORA[split]
                                if c["lang"] == "de") for split in SPLITS}
        assert sum(per_split.values()) >= 3, (code, per_split)
        assert per_split["heldout"] >= 1, (code, per_split)
    for split in SPLITS:
        german_good = {(c["outcome"], c["audience"]) for c in CORPORA[split]
                       if c["lang"] == "de" and not c["expect"]}
        assert {o for o, _ in german_good} == set(OUTCOMES), split
        assert {a for _, a in german_good} == set(AUDIENCES), split


def test_every_language_has_the_same_codes():
    assert replies.rules_for("de").codes == replies.rules_for("en").codes


def test_issue_contract_codes_exist():
    assert ISSUE_CODES <= replies.rules_for("en").codes


# ------------------------------------------------------------------------ drafting
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("outcome,audience", COMBINATIONS)
@pytest.mark.parametrize("variant", ["plain", "full"])
def test_every_draft_passes_the_checker(outcome, audience, lang, variant):
    if variant == "plain":
        text = draft_reply(outcome=outcome, audience=audience, lang=lang)
    else:
        text = draft_reply(
            outcome=outcome, audience=audience, lang=lang, reporter="Rosalind K",
            subject="Example editor",
            resources="* [https://findahelpline.com Find a helpline]\n* VictimConnect",
            details={"case": "T-1042", "signature": "Mira (admin)",
                     "action": "one-week block", "legal_question": True,
                     "counselling_request": True})
    findings = check(text, lang=lang, outcome=outcome, audience=audience)
    assert [f for f in findings if f.severity == "error"] == []
    assert passes(findings), [(f.code, f.excerpt(text)) for f in findings]


def _regions() -> list[str | None]:
    from bot.resources import load_resources
    return [None, *sorted({r for res in load_resources() for r in res.regions if len(r) == 2})]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("region", _regions())
def test_drafts_with_the_canonical_resources_pass_for_every_region(lang, region):
    # What `pwb draft_reply` prints: the resource list's own lines (helplines with their
    # telephone links, emergency numbers) must never read as shared private details.
    resources = resources_for_reply(lang, region)
    assert resources
    for outcome in ("non-actionable", "actionable", "mistaken-report", "referred"):
        text = draft_reply(outcome=outcome, audience="reporter", lang=lang,
                           reporter="Alice", resources=resources)
        findings = check(text, lang=lang, outcome=outcome, audience="reporter")
        assert passes(findings), (outcome, [(f.code, f.excerpt(text)) for f in findings])


# User names that read as words the checker looks for: insults, legal advice, disbelief.
ODD_NAMES = ["Troll Hunter", "Exaggerator", "Sue Them", "Lügner", "O'Brien the Liar",
             "Emergency Contact"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("outcome,audience", COMBINATIONS)
def test_a_draft_passes_whatever_the_name_it_greets(outcome, audience, lang):
    for name in ODD_NAMES:
        text = draft_reply(outcome=outcome, audience=audience, lang=lang, reporter=name,
                           subject=name)
        findings = check(text, lang=lang, outcome=outcome, audience=audience, names=[name])
        assert passes(findings), (name, [(f.code, f.excerpt(text)) for f in findings])


def test_names_are_not_read_but_the_rest_of_the_reply_is():
    text = ("Hello Sue Them,\n\nThank you for your report. The account was blocked. "
            "Honestly, you should sue them.")
    findings = check(text, outcome="actionable", audience="reporter", names=["Sue Them"])
    assert [f.excerpt(text) for f in findings if f.code == "legal-advice"] == ["should sue"]
    # A name is no resource either: the emergency route is still missing.
    missing = check("Hello Emergency Contact,\n\nWe have closed the case.",
                    outcome="actionable", names=["Emergency Contact"])
    assert "no-emergency-route" in {f.code for f in missing}
    with pytest.raises(UsageError, match="list of user names"):
        check(text, names="Sue Them")
    with pytest.raises(UsageError, match="user names"):
        check(text, names=[None])


def test_a_one_word_name_at_a_sentence_start_is_read_unless_it_is_addressed():
    # "Sue" greeted, then "Sue them" starting a sentence: the capital is the sentence's.
    text = "Hello Sue,\n\nThe account was blocked. Sue them if you like."
    findings = check(text, outcome="actionable", names=["Sue"])
    assert [f.excerpt(text) for f in findings if f.code == "legal-advice"] == ["Sue them"]
    for mark in (":", "# ", "* ", "— "):   # an indented or listed line starts a sentence too
        marked = f"Hello Sue,\n\nThe account was blocked.\n{mark}Sue them if you like."
        assert "legal-advice" in _codes(check(marked, outcome="actionable", names=["Sue"]))
    addressed = "Sue, the account was blocked. Thank you for reporting it."
    assert "legal-advice" not in _codes(check(addressed, outcome="actionable", names=["Sue"]))
    # A German noun used as a name is still the noun where a sentence starts with it.
    german = "Hallo Polizei,\n\nwir haben das Konto gesperrt. Polizei erreichst du immer."
    assert "no-emergency-route" not in _codes(
        check(german, lang="de", outcome="actionable", names=["Polizei"]))


@pytest.mark.parametrize("styled", ["ｓｕｅ ｔｈｅｍ", "\U0001d634\U0001d636\U0001d626 them"])
def test_full_width_and_styled_letters_are_read_as_letters(styled):
    text = f"We blocked the account. You should {styled}."
    found = [f for f in check(text, outcome="actionable") if f.code == "legal-advice"]
    assert found and styled.split()[0] in text[found[0].start:found[0].end]


@pytest.mark.parametrize("text, code, flagged", [
    # "why not" suggests; it is no negation
    ("Why not reach out to him directly and talk it through?", "suggests-contacting-harasser", True),
    ("Please do not reach out to him directly.", "suggests-contacting-harasser", False),
    ("Why don't you just reach out to him and sort it out?", "suggests-contacting-harasser",
     True),
    ("So why don't you just message him directly?", "suggests-contacting-harasser", True),
    ("Do you see why not contacting him is the safest option?", "suggests-contacting-harasser",
     False),
    # "why not" inside a statement is the reason for a negation, not a question
    ("That is why not responding to him is the best option.", "suggests-contacting-harasser",
     False),
    ("We understand why not replying to him feels safer.", "suggests-contacting-harasser",
     False),
    ("We think you made it all up to hurt him.", "disbelief-or-blame", True),
    ("It seems you made the whole story up.", "disbelief-or-blame", True),
    ("Once you made up your mind to report it, you did the right thing.",
     "disbelief-or-blame", False),
    ("We are not convinced that any of this actually happened.", "disbelief-or-blame", True),
    ("Between us, everyone knows he is a troublemaker.", "personal-opinion-on-guilt", True),
    ("You might benefit from journaling about how this made you feel.",
     "counselling-advice", True),
])
def test_wordings_found_beyond_the_corpora(text, code, flagged):
    # Probes written while reading the rules, not taken from any corpus.
    found = {f.code for f in check(text, outcome="non-actionable", audience="reporter")}
    assert (code in found) is flagged


@pytest.mark.parametrize("text, flagged", [
    ("Warum schreibst du ihm nicht einfach direkt?", True),   # a suggestion, no negation
    ("Warum nicht einfach direkt mit ihm sprechen?", True),
    ("Schreib ihm bitte nicht.", False),
    ("Wieso Kontakt zu ihm nicht ratsam ist, erklären wir dir gern.", False),  # no question
    ("Weshalb du ihn nicht kontaktieren solltest, steht unten.", False),
    ("Verstehst du, warum Kontakt zu ihm nicht ratsam ist?", False),
])
def test_a_german_why_not_suggests_contact(text, flagged):
    found = {f.code for f in check(text, lang="de", outcome="non-actionable")}
    assert ("suggests-contacting-harasser" in found) is flagged


SENTENCE_CODES = {"counselling-advice", "threatens-or-discourages-victim",
                  "suggests-contacting-harasser", "disbelief-or-blame", "personal-opinion-on-guilt",
                  "legal-advice", "shares-confidential-details", "judgmental-to-subject"}


@pytest.mark.parametrize("lang, audience, outcome, text, code", [
    ("en", "reporter", "non-actionable",
     "A few days off editing would do wonders for your peace of mind.", "counselling-advice"),
    ("en", "reporter", "non-actionable",
     "Stay offline for a while for your own sanity.", "counselling-advice"),
    ("en", "reporter", "non-actionable",
     "We take your wellbeing seriously and have passed this on.", None),
    ("en", "reporter", "non-actionable",
     "Please keep sending us reports whenever something new happens.", None),
    ("en", "reporter", "non-actionable",
     "Kindly stop filing complaints about this editor.", "threatens-or-discourages-victim"),
    ("en", "reporter", "non-actionable",
     "Honestly the admins already regard you as a troublemaker.",
     "threatens-or-discourages-victim"),
    ("en", "reporter", "non-actionable",
     "Frankly, this thread was a waste of our time.", "threatens-or-discourages-victim"),
    ("en", "reporter", "non-actionable",
     "We don't think this was a waste of anyone's time.", None),
    ("en", "reporter", "non-actionable",
     "You could simply ask him to stop.", "suggests-contacting-harasser"),
    ("en", "reporter", "non-actionable",
     "We have asked him to stop, and he agreed.", None),
    ("en", "reporter", "non-actionable",
     "Try settling the matter with the other editor first.", "suggests-contacting-harasser"),
    ("en", "reporter", "non-actionable",
     "An apology from your side might calm things.", "suggests-contacting-harasser"),
    ("en", "reporter", "non-actionable",
     "He has been asked to apologise to you.", None),
    ("en", "reporter", "non-actionable",
     "You went just as far as he did, to be fair.", None),
    ("en", "reporter", "non-actionable",
     "You were just as rude as him in that thread.", "disbelief-or-blame"),
    ("en", "reporter", "non-actionable",
     "Reports like this usually come from people annoyed about losing an argument.",
     "disbelief-or-blame"),
    ("en", "reporter", "non-actionable",
     "I suspect you were framed by a sockpuppet.", "personal-opinion-on-guilt"),
    ("en", "reporter", "non-actionable",
     "You don't stand a chance in court with this.", "legal-advice"),
    ("en", "reporter", "non-actionable",
     "We found no basis for action under the policy.", None),
    ("en", "subject", "non-actionable",
     "The complaint was filed by User:Quince, as you may have guessed.",
     "shares-confidential-details"),
    ("en", "subject", "actionable",
     "Editors like you are why this place is so toxic.", "judgmental-to-subject"),
    ("en", "subject", "actionable",
     "You ought to be embarrassed by those comments.", "judgmental-to-subject"),
    ("de", "subject", "actionable",
     "Du solltest dich wirklich schämen.", "judgmental-to-subject"),
    ("de", "subject", "actionable",
     "Niemand muss sich hier schämen, die Meldung ist geschlossen.", None),
    ("de", "reporter", "non-actionable",
     "Bitte schreib uns zu diesem Thema nicht mehr.", "threatens-or-discourages-victim"),
    ("de", "reporter", "non-actionable",
     "Entschuldige dich doch einfach bei ihm.", "suggests-contacting-harasser"),
    ("de", "reporter", "non-actionable",
     "Er wurde gebeten, sich bei dir zu entschuldigen.", None),
    ("de", "reporter", "non-actionable",
     "Du warst genauso unfreundlich wie er.", "disbelief-or-blame"),
    ("de", "reporter", "non-actionable",
     "Halte Abstand von diesem Benutzer, wir kümmern uns.", None),
    # healthy sentences of a second review: denied or reported, they raise nothing
    ("en", "reporter", "actionable",
     "We would never ask you to stop sending reports; please keep them coming.", None),
    ("en", "reporter", "actionable",
     "He told you to stop sending complaints, which was itself part of the harassment.", None),
    ("en", "reporter", "actionable", "No apology from you is needed or expected.", None),
    ("en", "reporter", "actionable",
     "He was clearly angry about losing the RfC, but that does not excuse harassment.", None),
    ("de", "reporter", "actionable", "Eine Entschuldigung von deiner Seite ist nicht nötig.",
     None),
    ("de", "reporter", "actionable",
     "Bitte schreib uns, wenn du nicht mehr weiterweißt, hier findest du immer Hilfe.", None),
])
def test_wordings_from_the_session_17_review(lang, audience, outcome, text, code):
    # My own sentences for the kinds of wording a fresh review corpus showed missing, with
    # healthy near misses (code None: nothing of these codes may be raised).
    found = {f.code for f in check(text, lang=lang, outcome=outcome, audience=audience)
             if f.severity in ("error", "warning")} & SENTENCE_CODES
    assert (code in found) if code else not found, found


def test_calling_the_subject_a_disgrace_is_judgmental():
    text = "Your topic ban stands. Frankly your editing has been a disgrace."
    found = {f.code for f in check(text, outcome="actionable", audience="subject")}
    assert "judgmental-to-subject" in found


def test_a_region_must_be_a_country_code():
    assert resources_for_reply("de", "de") == resources_for_reply("de", "DE")
    with pytest.raises(UsageError, match="country code"):
        resources_for_reply("en", "ZZZ")


@pytest.mark.parametrize("lang", LANGS)
def test_drafts_to_reporters_carry_resources_and_the_emergency_route(lang):
    for outcome in ("non-actionable", "actionable", "mistaken-report", "referred"):
        text = draft_reply(outcome=outcome, audience="reporter", lang=lang)
        assert "emergency@wikimedia.org" in text
        assert "ca@wikimedia.org" in text  # the default when no resources are passed
        given_resources = "* [https://example.org/help Example help line]"
        text = draft_reply(outcome=outcome, audience="reporter", lang=lang,
                           resources=given_resources)
        assert given_resources in text and "ca@wikimedia.org" not in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("outcome", ["non-actionable", "actionable", "mistaken-report",
                                     "malicious-report-subject", "referred"])
def test_a_draft_to_the_subject_never_names_the_reporter(outcome, lang):
    text = draft_reply(outcome=outcome, audience="subject", lang=lang,
                       reporter="Quillfeather", subject="Brannagh")
    assert "Brannagh" in text and "Quillfeather" not in text


def test_malicious_and_mistaken_reports_read_the_same_to_the_subject():
    assert draft_reply(outcome="malicious-report-subject", audience="subject") == \
        draft_reply(outcome="mistaken-report", audience="subject")
    assert draft_reply(outcome="malicious-or-mistaken", audience="reporter") == \
        draft_reply(outcome="mistaken-report", audience="reporter")


@pytest.mark.parametrize("lang", LANGS)
def test_names_and_details_are_escaped(lang):
    hostile = "Eve{{subst:Nasty}}[[Category:Bad]]~~~~<script>"
    text = draft_reply(outcome="actionable", audience="reporter", lang=lang,
                       reporter=hostile, subject=hostile,
                       details={"action": "[[Category:X]] {{tpl}}", "case": "|x=y",
                                "signature": "~~~~"})
    for raw in ("{{", "[[Category", "~~~~", "<script>", "|x=y"):
        assert raw not in text
    assert "Eve&#123;&#123;subst&#58;Nasty&#125;&#125;" in text


def test_draft_options_are_validated():
    with pytest.raises(ValueError, match="unknown detail"):
        draft_reply(outcome="actionable", audience="reporter", details={"blame": "x"})
    with pytest.raises(ValueError, match="unknown outcome"):
        draft_reply(outcome="closed", audience="reporter")
    with pytest.raises(ValueError, match="unknown audience"):
        draft_reply(outcome="actionable", audience="victim")
    with pytest.raises(ValueError, match="mistaken-report"):
        draft_reply(outcome="malicious-report-subject", audience="reporter")
    with pytest.raises(ValueError, match="no reply templates"):
        draft_reply(outcome="actionable", audience="reporter", lang="fr")
    assert set(LANGS) <= set(drafts.available_languages())


def test_legal_and_counselling_requests_get_a_clear_refusal_that_passes():
    text = draft_reply(outcome="non-actionable", audience="reporter",
                       details={"legal_question": True, "counselling_request": True})
    assert "cannot give legal advice" in text and "not able to offer counselling" in text
    assert passes(check(text, outcome="non-actionable"))


# ------------------------------------------------------------------------ the checker
def test_spans_point_at_the_offending_words_across_line_breaks():
    text = ("Hello Ada, thank you.\nHonestly  you brought\n   this on yourself.\n"
            "You should sue him.")
    findings = check(text)
    by_code = {f.code: f for f in findings}
    blame = by_code["disbelief-or-blame"]
    assert text[blame.start:blame.end].split() == "you brought this on yourself".split()
    legal = by_code["legal-advice"]
    assert "sue" in text[legal.start:legal.end]
    # whole-text findings (nothing to point at) come first
    whole = [f for f in findings if f.start is None]
    assert {f.code for f in whole} >= {"no-support-resources", "no-emergency-route"}
    assert findings[:len(whole)] == whole


@pytest.mark.parametrize("sentence,expected", [
    ("This is not your fault.", set()),
    ("This is your fault.", {"disbelief-or-blame"}),
    ("You are not to blame for any of it.", set()),
    ("You\u2019re overreacting to a joke.", {"disbelief-or-blame"}),
    ("We cannot give legal advice, but a lawyer can advise you.", set()),
    ("You could sue him for defamation.", {"legal-advice"}),
    ("There is no need to contact him.", set()),
    ("Talk to him directly and clear the air.", {"suggests-contacting-harasser"}),
    ("I can't promise a particular outcome.", set()),
    ("I promise he will be banned.", {"promises-outcome"}),
])
def test_negations_in_the_same_sentence_cancel_a_match(sentence, expected):
    assert _codes(check(sentence, outcome="non-actionable")) - \
        {"no-support-resources", "no-emergency-route", "too-terse"} == expected


def test_outcome_and_audience_scope_the_rules():
    apology = "I am so sorry to say that he was only blocked for a day."
    assert "emotional-outcome" in _codes(check(apology, outcome="actionable"))
    assert "emotional-outcome" not in _codes(check(apology, outcome="non-actionable"))
    assert "emotional-outcome" not in _codes(check(apology))  # outcome unknown
    suspicion = "We will be keeping an eye on you."
    assert "judgmental-to-subject" in _codes(check(suspicion, audience="subject"))
    assert "judgmental-to-subject" not in _codes(check(suspicion, audience="reporter"))
    # resources and the emergency route are owed to the reporter, not to the subject
    assert "no-support-resources" in _codes(check("Closed."))
    assert "no-support-resources" not in _codes(check("Closed.", audience="subject"))


@pytest.mark.parametrize("text,lang", [
    ("For your information, his real name is Mark Feldman and his phone number is "
     "555-0198.", "en"),
    ("You can write to him at mark.feldman1987@gmail.com if you like.", "en"),
    # "wiki" in the name, not the domain; a name before a role word is still a person
    ("The messages came from wikiwatcher.tom@gmail.com, the address on his old user page.",
     "en"),
    ("Er hat von jan.safety@posteo.de aus geschrieben.", "de"),
    # a second account of the reported person named (the account that wrote the edits, as
    # the page history shows it, is not this: a near miss below)
    ("Tidewrack also edits from an account called Tidewrack9.", "en"),
    ("He runs an account called Tidewrack9 as well.", "en"),
    ("The checkuser results showed he edits from the same office network as you.", "en"),
    ("Die Untersuchung hat ergeben, dass er in Köln wohnt.", "de"),
    # a third person's real name: lower-cased, "ihren" is not the reader's "Ihren"
    ("Wir kennen inzwischen ihren vollständigen Namen und ihre Adresse.", "de"),
    ("Die Benutzerin ist eine Kollegin von dir, ihren bürgerlichen Namen haben wir im "
     "Anmeldeformular gefunden.", "de"),
    ("Wir haben ihrem richtigen Namen nachgeforscht und wissen jetzt, wer sie ist.", "de"),
])
def test_personal_information_is_flagged(text, lang):
    found = [f for f in check(text, lang=lang) if f.code == "shares-confidential-details"]
    assert found and found[0].severity == "error" and found[0].start is not None


def test_public_contacts_are_not_personal_information():
    text = ("Write to emergency@wikimedia.org in an emergency, or contact the support "
            "line at info@example-helpline.org.")
    assert "shares-confidential-details" not in _codes(check(text))


def test_worst_and_passes():
    info = Finding("no-next-steps", "info", "Say what comes next.")
    warning = Finding("too-terse", "warning", "Write more.")
    error = Finding("legal-advice", "error", "No legal advice.", 0, 3)
    assert worst([]) is None and passes([]) and passes([info])
    assert worst([info, warning]) == "warning" and not passes([warning])
    assert worst([warning, error, info]) == "error"
    assert error.excerpt("sue him") == "sue" and info.excerpt("x") == ""


def test_check_validates_its_arguments():
    with pytest.raises(ValueError):
        check("text", outcome="nonsense")
    with pytest.raises(ValueError):
        check("text", audience="victim")
    with pytest.raises(UsageError, match="no reply rules for language 'xx'"):
        check("text", lang="xx")
    with pytest.raises(UsageError, match="available: de, en"):
        check("text", lang="fr")
    # the default audience follows the outcome
    assert "no-support-resources" not in _codes(check("Closed.",
                                                      outcome="malicious-report-subject"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.sampled_from(LANGS),
       st.sampled_from((None,) + OUTCOMES), st.sampled_from(("reporter", "subject")))
def test_any_text_gives_well_formed_findings(text, lang, outcome, audience):
    if outcome == "malicious-report-subject":
        audience = "subject"
    for finding in check(text, lang=lang, outcome=outcome, audience=audience):
        assert finding.severity in replies.SEVERITIES and finding.message
        if finding.start is not None:
            assert 0 <= finding.start < finding.end <= len(text)


# ------------------------------------------------------------------------ the rules files
def _broken_copy(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load((replies.RULES_DIR / "en.yaml").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "en.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_rules_load():
    for lang in LANGS:
        rules = load_rules(replies.RULES_DIR / f"{lang}.yaml")
        assert rules.language == lang and rules.phrases and rules.required


@pytest.mark.parametrize("edit,entry,field", [
    (lambda d: d["phrases"][2].pop("severity"), "phrases[2]", "(the entry itself)"),
    (lambda d: d["phrases"][0].update(severity="fatal"), "phrases[0]", "severity"),
    (lambda d: d["required"][1].update(any=[]), "required[1]", "any"),
    (lambda d: d["phrases"][3].update(scope={"audiences": ["victim"]}),
     "phrases[3].scope.audiences[0]", "(the entry itself)"),
    (lambda d: d["length"][0].update(min_words="thirty"), "length[0]", "min_words"),
    (lambda d: d["phrases"][4]["match"].insert(0, "(unclosed"), "phrases[4]", "match[0]"),
    (lambda d: d["reported_speech"]["ends"].insert(0, "[unclosed"), "reported_speech",
     "ends[0]"),
    (lambda d: d["reported_speech"].pop("frame"), "top level", "reported_speech"),
    (lambda d: d["reported_speech"]["rejected"].insert(0, "(unclosed"), "reported_speech",
     "rejected[0]"),
    # the other party's words with nothing that could set them aside: a mistake
    (lambda d: d["reported_speech"].pop("rejected"), "top level", "reported_speech"),
    (lambda d: d["phrases"][0].update(healthy="yes"), "phrases[0]", "healthy"),
    (lambda d: d["phrases"][0].update(after=["(unclosed"]), "phrases[0]", "after[0]"),
    # a position that is not in the rule's unless list
    (lambda d: d["phrases"][0].update(healthy=[0, 99]), "phrases[0]", "healthy"),
    # 'healthy' speaks of the rule's unless patterns: without them it is a mistake
    (lambda d: d["phrases"][31].update(healthy=True), "phrases[31]", "(the entry itself)"),
])
def test_broken_rules_name_file_entry_and_field(tmp_path, edit, entry, field):
    path = _broken_copy(tmp_path, edit)
    with pytest.raises(DataError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert message.startswith("en.yaml: ")
    assert f"entry {entry}" in message
    assert f"'{field}" in message


def _rule_excusing(lang: str, code: str, sentence: str) -> replies.PhraseRule:
    """The one phrase rule of *code* in *lang* whose ``unless`` matches *sentence*."""
    rules = replies.rules_for(lang)
    read = sentence.lower()
    found = [r for r in rules.phrases
             if r.code == code and r.unless is not None and r.unless.search(read)]
    assert len(found) == 1, found
    return found[0]


def _with_healthy(lang: str, rule: replies.PhraseRule) -> replies.RuleSet:
    """*lang*'s rules with all of *rule*'s ``unless`` marked ``healthy``."""
    rules = replies.rules_for(lang)
    return dataclasses.replace(rules, phrases=tuple(
        dataclasses.replace(r, healthy=r.unless) if r is rule else r for r in rules.phrases))


def _model_codes(sentence: str, lang: str, outcome: str, audience: str) -> set[str]:
    return {f.code for f in check(sentence, lang=lang, outcome=outcome, audience=audience)
            if f.severity == "warning" and f.code in replies.MODEL_CODES}


def test_an_unless_not_marked_healthy_does_not_silence_the_model(monkeypatch):
    """The e-mail-address rule's unless ("support", "team", "project": a service's
    address) only keeps that rule from reading a helpline's address; it is not marked
    healthy, so the model still flags a sentence it matches (a development sentence,
    author_n, labelled shares-confidential-details: it names where the report came
    from).  Marked healthy, the same unless would hide it."""
    sentence = ("Nothing's being done on our end, and it might ease your mind to know the "
                "complaint came in through the university's course coordinator, so it's "
                "nothing personal from anybody on the project.")
    args = ("en", "non-actionable", "subject")
    rule = _rule_excusing("en", "shares-confidential-details", sentence)
    assert rule.healthy is None
    assert "shares-confidential-details" not in _codes(check(
        sentence, lang="en", outcome="non-actionable", audience="subject", learned=False))
    assert "shares-confidential-details" in _model_codes(sentence, *args)
    marked = _with_healthy("en", rule)
    monkeypatch.setattr(replies, "rules_for", lambda lang: marked)
    assert "shares-confidential-details" not in _model_codes(sentence, *args)


def test_the_model_vetoes_a_rule_finding_on_a_long_sentence_it_is_sure_is_clean(monkeypatch):
    """A development sentence (author_m) labelled only with blame: the contact rule reads
    "calling him out" as advice to contact him; the model, sure the sentence is no such
    advice, vetoes that finding (and finds the blame).  A short flaw keeps its finding though
    the model gives it little ("This is your fault.": too few words to be sure of)."""
    sentence = ("All sorted in the end, but heaps of stress could've been saved if you'd "
                "checked who actually made those edits before calling him out in the Beer "
                "parlour, eh.")
    args = dict(lang="en", outcome="mistaken-report", audience="reporter")
    assert CONTACT in _codes(check(sentence, learned=False, **args))
    found = _codes(check(sentence, **args))
    assert BLAME in found and CONTACT not in found
    short = "This is your fault."
    assert BLAME in _codes(check(short, **args))
    monkeypatch.setattr(replies, "VETO_WORDS", 0)
    assert BLAME not in _codes(check(short, **args))
    assert CONTACT not in _codes(check(sentence, **args))


def test_a_healthy_unless_silences_the_model_as_well(monkeypatch):
    """The writer's own talk page offered to listen is a healthy use of contact words: the
    rule that names it is marked healthy, and the model, sure as it is, does not flag the
    sentence of a development reply (dq17-en-no-support-resources-01, labelled only with
    the missing resources).  Unmarked, it would."""
    from bot.learned import load_model

    sentence = ("If you ever want to talk it through, my talk page and e-mail are always "
                "open, and I'm happy to just listen.")
    code, args = "suggests-contacting-harasser", ("en", "non-actionable", "reporter")
    model = load_model(replies.MODEL, replies.MODEL_SCHEMA)
    chance = model.probabilities(replies.model_text(sentence, lang="en",
                                                    outcome=args[1], audience=args[2]))
    assert chance[code] >= model.threshold
    healthy = [r for r in replies.rules_for("en").phrases
               if r.code == code and r.healthy is not None
               and r.healthy.search(sentence.lower())]
    assert healthy
    assert code not in _model_codes(sentence, *args)
    rules = replies.rules_for("en")
    unmarked = dataclasses.replace(rules, phrases=tuple(
        dataclasses.replace(r, healthy=None) for r in rules.phrases))
    monkeypatch.setattr(replies, "rules_for", lambda lang: unmarked)
    assert code in _model_codes(sentence, *args)


def test_only_the_unless_patterns_a_healthy_list_marks_silence_the_model():
    """A rule may mark only some of its unless patterns healthy: the blame rule's policy
    words ("policy", "section") are a narrow exclusion and hid the model's finding on a
    labelled sentence (author_c, sc-en-003); its "we never rely only on your word" is a
    healthy use the model must not overrule (a near miss above)."""
    flawed = ("Your own edit summaries on the etymology section were fairly sharp too, and "
              "I think his replies have to be read in that light.")
    healthy = ("We never rely only on your word or only on his; the logs decide, and here "
               "they support you.")
    args = ("en", "non-actionable", "reporter")
    rule = _rule_excusing("en", "disbelief-or-blame", flawed)
    assert rule.healthy is not None and rule.healthy.pattern != rule.unless.pattern
    assert not rule.healthy.search(flawed.lower())
    assert "disbelief-or-blame" in _model_codes(flawed, *args)
    assert "disbelief-or-blame" not in _model_codes(healthy, *args)


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "en.yaml"
    shutil.copy(replies.RULES_DIR / "en.yaml", path)
    path.write_text(path.read_text(encoding="utf-8") + "\n  - : [unclosed\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"en\.yaml: entry at line \d+"):
        load_rules(path)


def test_the_watchdog_fails_a_block_that_runs_too_long(watchdog):
    import time

    with pytest.raises(AssertionError, match="sleeping did not finish within 1 s"):
        with watchdog(1, "sleeping"):
            time.sleep(3)


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("opener", ['"', "„", "»", "(", "[["])
def test_an_unclosed_quote_in_a_long_reply_is_checked_promptly(lang, opener, watchdog):
    """A quote left open once made a German ignore pattern backtrack for minutes; a
    correct check takes milliseconds."""
    text = f"Hallo, {opener}" + "das ist ein sehr langer Satz ohne Ende und ohne Punkt " * 300
    with watchdog(60, "check() after an open quote"):
        replies.check(text, lang=lang, outcome="actionable", audience="reporter")


# 200 KB each, with no sentence end: before the rules were mended, each took from 40 s to
# several minutes (a look-ahead rescanning the rest of the "sentence" from every word, the
# dash splitter and the address pattern from every character of a long run, words handed
# back and forth after an open German quote); now each takes about a second.
LONG_WITHOUT_SENTENCE_ENDS = {
    "one word": "you " * 50_000, "German words": "wort " * 40_000,
    "white space": "a" + " " * 200_000 + "b", "no space": "x" * 200_000,
    "apostrophes": "a'" * 100_000, "at signs": "a@" * 100_000,
    "open German quote": "„" + "wort " * 40_000, "dots": "." * 200_000,
}
# A short unit repeated without a space: patterns tried from every unit of the run and
# scanning on to its end (a helpline domain from every word of "hilfe-hilfe-...": 280 s
# for 20 KB; a role or private e-mail address from every dot; a resources link from every
# "http") are now tried from a run's start only.
LONG_WITHOUT_SENTENCE_ENDS.update({f"{unit!r} repeated": (unit * 100_000)[:100_000] for unit in (
    "hilfe-", "helpline-", "a-", "1.", "www.", "http://", "=http://", "[[", "[[user:",
    "[[benutzer:", "a.b@", "x-x, who ")})


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("name", sorted(LONG_WITHOUT_SENTENCE_ENDS))
def test_long_text_without_sentence_ends_is_checked_promptly(lang, name, watchdog):
    with watchdog(30, f"check() on {name!r}"):
        found = replies.check(LONG_WITHOUT_SENTENCE_ENDS[name], lang=lang,
                              outcome="non-actionable", audience="reporter")
    codes = {f.code for f in found}
    assert "no-emergency-route" in codes
    # (some repeated units are resources: a link, a helpline's name)
    assert "no-support-resources" in codes or "repeated" in name


def test_a_long_stretch_without_sentence_ends_is_read_in_pieces_cut_at_white_space():
    rules = replies.rules_for("en")
    text = "the thread went on and on " * 400
    spans = list(replies._sentences(text, rules.sentence_split))
    assert len(spans) > 1
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))   # nothing lost, no overlap
    assert all(end - start <= replies.MAX_SENTENCE for start, end in spans)
    assert all(text[end - 1] == " " for _, end in spans[:-1])    # no word cut in two
    most = replies.MAX_SENTENCE
    solid = "x" * (3 * most)                                      # no white space at all
    assert list(replies._sentences(solid, rules.sentence_split)) == [
        (0, most), (most, 2 * most), (2 * most, 3 * most)]


def test_a_flaw_deep_in_a_long_stretch_without_sentence_ends_is_found_where_it_is():
    flaw = "you should just talk to him directly"
    text = "the thread went on and on " * 2000 + flaw + " and on and on" * 100
    found = [f for f in replies.check(text, lang="en", outcome="non-actionable",
                                      audience="reporter")
             if f.code == "suggests-contacting-harasser"]
    assert len(found) == 1
    start = text.index(flaw)
    assert start <= found[0].start < found[0].end <= start + len(flaw)


@pytest.mark.parametrize("path", sorted(DATA.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_reply_case_file_is_well_formed(path):
    """Every case file, held-out ones too (their shape only: no test reads what they say):
    the fields, known codes, outcomes and audiences, the resource codes and
    judgmental-to-subject only where they apply."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    codes = replies.rules_for("en").codes | replies.rules_for("de").codes
    for case in cases:
        assert set(case) == {"id", "lang", "audience", "outcome", "expect", "text"}, case["id"]
        assert case["lang"] in ("en", "de") and set(case["expect"]) <= codes, case["id"]
        # (None: the outcome unknown, as a functionary may check a reply before deciding)
        assert case["outcome"] in (*replies.OUTCOMES, None), case["id"]
        assert case["audience"] in ("reporter", "subject"), case["id"]
        owed_to_reporters = {"no-support-resources", "no-emergency-route"}
        assert not (case["audience"] == "subject" and owed_to_reporters & set(case["expect"]))
        assert not (case["audience"] == "reporter" and "judgmental-to-subject" in case["expect"])


def test_reply_case_ids_are_unique_across_the_files():
    ids = [case["id"] for path in DATA.glob("*.yaml")
           for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]]
    assert len(set(ids)) == len(ids)


def test_second_authors_german_heldout_file_is_well_formed():
    # Measured by benchmarks/bench_replies.py ("heldout-b"), never used for tuning.
    cases = yaml.safe_load((DATA / "de_heldout_b.yaml").read_text(encoding="utf-8"))["cases"]
    assert len(cases) >= 40 and len({c["id"] for c in cases}) == len(cases)
    known = replies.rules_for("de").codes
    for case in cases:
        assert case["lang"] == "de" and set(case["expect"]) <= known, case["id"]
        replies.resolve(case["outcome"], case["audience"])


# ------------------------------------------------------------------------ cue classes
# Each cue class is a sentence shape; the sentences below are new wordings of each shape
# (not corpus text), with a near miss that must stay quiet.
_WHOLE_TEXT = {"no-support-resources", "no-emergency-route", "too-terse"}


@pytest.mark.parametrize("lang,audience,sentence,expected", [
    # the reporter as the subject of a verb of causing; a passive or a negation is not blame
    ("en", "reporter", "Your reverts may well have triggered his outburst.",
     {"disbelief-or-blame"}),
    ("en", "reporter", "You were provoked, and we can see that.", set()),
    ("en", "reporter", "Nothing you wrote caused this.", set()),
    ("en", "reporter", "The comments you reported caused real distress.", set()),
    ("en", "reporter", "It is hard to tell who began it, honestly.", {"disbelief-or-blame"}),
    # a second-person suggestion to settle things with the other party
    ("en", "reporter", "Perhaps leave a short message on her talk page about it.",
     {"suggests-contacting-harasser"}),
    ("en", "reporter", "We have left a message on his talk page about the restriction.",
     set()),
    ("de", "reporter", "Hast du schon mal probiert, mit ihr in Ruhe darüber zu reden?",
     {"suggests-contacting-harasser"}),
    # the writer's own belief + guilt, in any tense
    ("en", "reporter", "We always suspected she was behind those edits.",
     {"personal-opinion-on-guilt"}),
    ("de", "reporter", "Ich habe es ehrlich gesagt schon geahnt, dass er dahintersteckt.",
     {"personal-opinion-on-guilt"}),
    ("de", "reporter", "Wir halten den Benutzer ehrlich gesagt für den Verfasser.",
     {"personal-opinion-on-guilt"}),
    # coping prescribed as a command at the start of a clause; an offer is not
    ("en", "reporter", "Log off for the evening and go for a long walk.",
     {"counselling-advice"}),
    ("en", "reporter", "If you need to take a break from editing, that is fine.", set()),
    # pressure against reporting, and its near miss: harm done by the other party
    ("en", "reporter", "Reporting him again might backfire on you.",
     {"threatens-or-discourages-victim"}),
    ("en", "reporter", "His posts damage your reputation, which is why we removed them.",
     set()),
    ("de", "reporter", "Eine weitere Meldung kommt bei der Community nicht gut an.",
     {"threatens-or-discourages-victim"}),
    # ("sie" is left out of this cue on purpose: it is also the polite "Sie")
    ("de", "reporter", "Die Benutzerin darf dich ab jetzt nicht mehr erwähnen.", set()),
    # confidential: what investigators are doing, where an IP is
    ("en", "reporter", "The investigators are combing through his old emails.",
     {"shares-confidential-details"}),
    ("en", "reporter", "The edits came from an IP in Rotterdam.",
     {"shares-confidential-details"}),
    # the subject: watched, or told the report was their own doing
    ("en", "subject", "We will keep tabs on your contributions.", {"judgmental-to-subject"}),
    ("en", "subject", "Comments like yours tend to attract reports.",
     {"judgmental-to-subject"}),
    ("de", "subject", "Fragen Sie sich ruhig, warum Ihr Umgangston so ankommt.",
     {"judgmental-to-subject"}),
])
def test_cue_classes_generalise_beyond_the_corpus_wording(lang, audience, sentence,
                                                          expected):
    """The rules' cue classes, without the model (whose second opinion is measured by
    benchmarks/bench_replies.py, not pinned here)."""
    got = _codes(check(sentence, lang=lang, outcome="non-actionable", audience=audience,
                       learned=False))
    assert got - _WHOLE_TEXT == expected


@pytest.mark.parametrize("outcome,sentence,expected", [
    ("actionable", "The best we could do was a short block, and I feel terrible about it.",
     {"emotional-outcome"}),
    ("actionable", "I am sorry you had to go through this.", set()),
])
def test_belittling_or_apologising_for_an_action_is_an_emotional_outcome(outcome, sentence,
                                                                          expected):
    assert _codes(check(sentence, outcome=outcome)) - _WHOLE_TEXT == expected


@pytest.mark.parametrize("lang,text", [
    ("en", "A victim support organisation in your country can help you."),
    ("en", "You can find free help at samaritans.org if you want to talk."),
    ("de", "Der Weisse Ring steht Ihnen zur Seite."),
    ("de", "Rat findest du bei hateaid.org."),
    ("de", "Eine Opferberatungsstelle in Ihrer Nähe hilft weiter."),
])
def test_support_resources_are_recognised_by_kind_and_address(lang, text):
    assert "no-support-resources" not in _codes(check(text, lang=lang))


# A resource named only to be declined is no resource (dev_l); a resource offered beside
# a negation still is.
@pytest.mark.parametrize("text,missing", [
    ("I won't send you a list of hotlines; here's what actually works: keep going.", True),
    ("Rather than helplines, here is my own advice: rest.", True),
    ("We won't bore you with support services.", True),
    ("We don't give out private numbers, but the helpline below is free.", False),
    ("You don't need to call a helpline, but one is there for you any time.", False),
    ("Instead of waiting for us, you can call a helpline tonight.", False),
    ("We will not close this without pointing you to a helpline: victim support services "
     "in your country can help.", False),
])
def test_a_declined_resource_is_not_a_resource(text, missing):
    assert ("no-support-resources" in _codes(check(text, outcome="non-actionable",
                                                     learned=False))) is missing


@pytest.mark.parametrize("lang,text", [
    ("en", "The comments were posted on de.wikipedia.org, see the diff."),
    ("de", "Die Beiträge stehen auf de.wikipedia.org in der Versionsgeschichte."),
])
def test_wiki_links_are_not_support_resources(lang, text):
    assert "no-support-resources" in _codes(check(text, lang=lang))


# Cue classes added for the sixth development author (dev_f.yaml), in fresh wording:
# each flawed sentence has a near miss beside it that uses the same words healthily.
@pytest.mark.parametrize("lang,outcome,audience,sentence,expected", [
    # disbelief-or-blame: stepping back from the topic, an unreliable account, check first
    ("en", "non-actionable", "reporter",
     "It may be wise to stay clear of those railway articles until the dust settles.",
     {"disbelief-or-blame"}),
    ("en", "non-actionable", "reporter",
     "You do not need to stay away from those railway articles because of this.", set()),
    ("en", "non-actionable", "reporter",
     "Your timeline in the first message and the one in your follow-up contradict each "
     "other.", {"disbelief-or-blame"}),
    ("en", "non-actionable", "reporter",
     "It was difficult to put much weight on what you sent us.", {"disbelief-or-blame"}),
    ("en", "mistaken-report", "reporter",
     "Next time, please look at the page history properly before naming anyone.",
     {"disbelief-or-blame"}),
    ("en", "mistaken-report", "reporter",
     "The edits were made by another account with a similar name.", set()),
    ("de", "non-actionable", "reporter",
     "Es wäre ratsam, sich von den Artikeln über Fußballvereine eine Zeit lang fernzuhalten.",
     {"disbelief-or-blame"}),
    ("de", "non-actionable", "reporter",
     "Du musst dich deshalb nicht aus diesen Artikeln heraushalten.", set()),
    # threatens-or-discourages-victim: veiled consequences
    ("en", "non-actionable", "reporter",
     "So many filings about one user start to look like a vendetta.",
     {"threatens-or-discourages-victim"}),
    ("en", "non-actionable", "reporter",
     "Pushing this further tends to backfire on the people who do it.",
     {"threatens-or-discourages-victim"}),
    ("en", "non-actionable", "reporter",
     "Keep in mind that the stewards would also review your own contributions.",
     {"threatens-or-discourages-victim"}),
    ("en", "non-actionable", "reporter",
     "The stewards will review the contributions of the account you named.", set()),
    ("en", "actionable", "reporter",
     "We noticed a clear pattern in the messages he sent you.", set()),
    ("en", "non-actionable", "reporter",
     "Whether you take it further is entirely up to you, and we will help either way.",
     set()),
    # personal-opinion-on-guilt: hedged or negated beliefs
    ("en", "non-actionable", "reporter",
     "To be frank, my hunch is that both accounts are the same person.",
     {"personal-opinion-on-guilt"}),
    ("en", "non-actionable", "reporter",
     "I don't really believe she is guilty of anything here.",
     {"personal-opinion-on-guilt"}),
    ("en", "non-actionable", "reporter",
     "To be frank, the evidence was not enough to link the two accounts.", set()),
    ("de", "mistaken-report", "subject",
     "Ich habe nie geglaubt, dass du hinter den Nachrichten stehst.",
     {"personal-opinion-on-guilt"}),
    # shares-confidential-details: where accounts edit from, who filed, internal sanctions
    ("en", "non-actionable", "reporter",
     "The logs show them using separate providers in two different countries.",
     {"shares-confidential-details"}),
    ("en", "actionable", "reporter",
     "It turned out that he was operating three other accounts as well.",
     {"shares-confidential-details"}),
    ("en", "mistaken-report", "subject",
     "Larkspur_22, who made the report, has apologised for the mix-up.",
     {"shares-confidential-details"}),
    ("en", "mistaken-report", "subject",
     "The editor who made the report has been told the outcome.", set()),
    ("de", "non-actionable", "reporter",
     "Beide Konten wurden über verschiedene Provider genutzt, eines aus der Gegend um Linz.",
     {"shares-confidential-details"}),
    ("de", "non-actionable", "reporter",
     "Technische Einzelheiten dürfen wir nicht nennen.", set()),
    # judgmental-to-subject: watching, reminders, moralising, "no smoke without fire"
    ("en", "mistaken-report", "subject",
     "Treat this as a wake-up call about how you talk to newcomers.",
     {"judgmental-to-subject"}),
    ("en", "malicious-report-subject", "subject",
     "Complaints seldom appear out of thin air, you know.", {"judgmental-to-subject"}),
    ("en", "actionable", "subject",
     "What you wrote to her was disgraceful.", {"judgmental-to-subject"}),
    ("en", "mistaken-report", "subject",
     "We will keep an eye on that article for a while.", {"judgmental-to-subject"}),
    # stating a sanction's terms to a sanctioned subject is not watching them
    ("en", "actionable", "subject",
     "We expect you to keep to the interaction ban from now on.", set()),
    ("en", "mistaken-report", "subject",
     "If you receive messages about this, forward them to us instead of replying.", set()),
    ("de", "malicious-report-subject", "subject",
     "Vielleicht solltest du deinen Diskussionsstil trotzdem einmal hinterfragen.",
     {"judgmental-to-subject"}),
    # pushes-advocacy and counselling-advice
    ("en", "non-actionable", "reporter",
     "You should consider turning this into an essay for the village pump.",
     {"pushes-advocacy"}),
    ("en", "actionable", "reporter",
     "A simple trick for quieting negative thoughts is to count backwards from a hundred.",
     {"counselling-advice"}),
    # Cue classes added from the twelfth author (dev_l), in fresh wording.
    ("en", "non-actionable", "reporter",
     "Probably the comment was a misunderstanding of his humour.", {"disbelief-or-blame"}),
    ("en", "non-actionable", "reporter",
     "Nobody else in the room heard anything, so it was probably banter.", {"disbelief-or-blame"}),
    ("en", "non-actionable", "reporter",
     "I find it hard to treat these screenshots as genuine.", {"disbelief-or-blame"}),
    ("en", "non-actionable", "reporter",
     "It is rather convenient that the messages you sent all lack timestamps.", {"disbelief-or-blame"}),
    ("en", "non-actionable", "reporter",
     "Frankly, the gaps undermine your version considerably.", {"disbelief-or-blame"}),
    ("en", "actionable", "reporter",
     "Doing so could influence whether you're asked to help at future events.", {"threatens-or-discourages-victim"}),
    ("en", "non-actionable", "reporter",
     "You are free to, but it's not worth it.", {"threatens-or-discourages-victim"}),
    ("en", "non-actionable", "reporter",
     "You'll end up looking like someone who can't move on.", {"threatens-or-discourages-victim"}),
    ("en", "non-actionable", "reporter",
     "Why not invite her over for tea and clear things up?", {"suggests-contacting-harasser"}),
    ("en", "non-actionable", "reporter",
     "Were it my decision, the account would be gone.", {"personal-opinion-on-guilt"}),
    ("en", "non-actionable", "reporter",
     "I believe you completely that she meant it.", {"personal-opinion-on-guilt"}),
    ("en", "non-actionable", "reporter",
     "To me it's obvious: it was the account from the football project.", {"personal-opinion-on-guilt"}),
    ("en", "malicious-report-subject", "subject",
     "I suspect someone wanted to get back at you after the deletion debate.", {"personal-opinion-on-guilt"}),
    ("en", "actionable", "reporter",
     "Share your story with the whole room at the plenary so people finally wake up.", {"pushes-advocacy"}),
    ("en", "actionable", "reporter",
     "Splash cold water on your face when it starts.", {"counselling-advice"}),
    ("en", "actionable", "reporter",
     "Picture him in a pink tutu next time he comes to mind.", {"counselling-advice"}),
    ("en", "actionable", "reporter",
     "After a few weeks the nightmares fade.", {"counselling-advice"}),
    ("en", "actionable", "reporter",
     "We did a little happy dance when the ban was confirmed.", {"emotional-outcome"}),
    ("en", "non-actionable", "reporter",
     "The anonymous edits trace back to the same university network as that account.", {"shares-confidential-details"}),
    ("en", "malicious-report-subject", "subject",
     "Presumably someone from your office sent it.", {"shares-confidential-details"}),
    ("en", "malicious-report-subject", "subject",
     "Think of this as a free pass, not a clean slate.", {"judgmental-to-subject"}),
    ("en", "malicious-report-subject", "subject",
     "We'd rather not find your username on the noticeboard again.", {"judgmental-to-subject"}),
    ("en", "non-actionable", "subject",
     "Frankly, it doesn't surprise me that you were reported.", {"judgmental-to-subject"}),
    ("en", "actionable", "subject",
     "Ask yourself whether this project is really the right place for you.", {"judgmental-to-subject"}),
    ("de", "non-actionable", "reporter",
     "Ich will Ihnen nichts vorwerfen, aber die Zeitangaben passen nicht.", {"disbelief-or-blame"}),
    ("de", "non-actionable", "reporter",
     "Das untergräbt deine Glaubwürdigkeit leider sehr.", {"disbelief-or-blame"}),
    ("de", "non-actionable", "reporter",
     "Es war wohl nur ein Missverständnis.", {"disbelief-or-blame"}),
    ("de", "non-actionable", "reporter",
     "Dann bleibt das an dir hängen.", {"threatens-or-discourages-victim"}),
    ("de", "actionable", "reporter",
     "Das könnte sich darauf auswirken, ob du wieder eingeladen wirst.", {"threatens-or-discourages-victim"}),
    ("de", "non-actionable", "reporter",
     "Für mich ist klar: Das war die Benutzerin aus dem Fotoprojekt.", {"personal-opinion-on-guilt"}),
    ("de", "non-actionable", "reporter",
     "Wenn es nach mir ginge, wäre er längst raus.", {"personal-opinion-on-guilt"}),
    ("de", "malicious-report-subject", "subject",
     "Ich vermute, da wollte dir jemand eins auswischen.", {"personal-opinion-on-guilt"}),
    ("de", "actionable", "reporter",
     "Erzähl doch beim Stammtisch vor allen, was passiert ist.", {"pushes-advocacy"}),
    ("de", "actionable", "reporter",
     "Mach aus deinem Fall ein Meinungsbild.", {"pushes-advocacy"}),
    ("de", "actionable", "reporter",
     "Stell dir ihn einfach mit Clownsnase vor.", {"counselling-advice"}),
    ("de", "actionable", "reporter",
     "Lass den Kaffee ganz weg.", {"counselling-advice"}),
    ("de", "actionable", "reporter",
     "Nach zwei Wochen ist die Angst meistens weg.", {"counselling-advice"}),
    ("de", "actionable", "reporter",
     "Ich habe vor Freude einen Luftsprung gemacht.", {"emotional-outcome"}),
    ("de", "non-actionable", "subject",
     "Dass du gemeldet wurdest, überrascht mich nicht.", {"judgmental-to-subject"}),
    ("de", "actionable", "subject",
     "Überleg mal, ob Wikipedia wirklich der richtige Ort für dich ist.", {"judgmental-to-subject"}),
    ("de", "malicious-report-subject", "subject",
     "Betrachte das als Freifahrtschein.", {"judgmental-to-subject"}),
    ("de", "malicious-report-subject", "subject",
     "Die Meldung kam per Mail von einer Adresse bei der Stadtverwaltung.", {"shares-confidential-details"}),
    ("de", "malicious-report-subject", "subject",
     "Vermutlich war es jemand aus deinem Verein.", {"shares-confidential-details"}),
    ("de", "non-actionable", "reporter",
     "Der Checkuser sagt, die IPs gehören zu einem Kabelanbieter in Chemnitz.", {"shares-confidential-details"}),
])
def test_sixth_authors_cue_classes_generalise(lang, outcome, audience, sentence, expected):
    got = _codes(check(sentence, lang=lang, outcome=outcome, audience=audience,
                       learned=False))
    assert got - _WHOLE_TEXT == expected


@pytest.mark.parametrize("lang,outcome,sentence,expected", [
    ("en", "actionable", "At long last! The account is blocked for good.", {"emotional-outcome"}),
    ("en", "actionable", "The account is blocked \U0001F389", {"emotional-outcome"}),
    ("en", "actionable", "The most the committee would approve was a warning.",
     {"emotional-outcome"}),
    ("en", "non-actionable", "Please write again; you won't be a bother to anyone.", set()),
    ("de", "actionable", "Geschafft! Das Konto ist gesperrt.", {"emotional-outcome"}),
    ("de", "actionable", "Das Konto ist seit heute gesperrt.", set()),
])
def test_triumph_and_too_little_are_emotional_outcomes(lang, outcome, sentence, expected):
    got = _codes(check(sentence, lang=lang, outcome=outcome, learned=False))
    assert got - _WHOLE_TEXT == expected


@pytest.mark.parametrize("lang,sentence", [
    # a third person's warning is not a threat to the reporter, nor a calm page a feeling
    ("en", "We will wait and see whether things calm down on the talk page."),
    ("de", "Der Betreiber des Blogs hat kein Konto in der Wikipedia."),
])
def test_near_misses_of_threats_feelings_and_advocacy_stay_clean(lang, sentence):
    got = _codes(check(sentence, lang=lang, outcome="non-actionable", learned=False))
    assert got - _WHOLE_TEXT == set()


# Healthy sentences near the cue classes added from the eighth, ninth and tenth authors
# (dev_h, dev_i, dev_j): each raised a code before the rules were narrowed.
NEAR_MISSES = [
    ("en", "non-actionable", "reporter", "Please do not send him a message yourself."),
    ("en", "non-actionable", "reporter", "An administrator will send the other user a warning."),
    ("en", "non-actionable", "reporter", "They will not hold it against you next time."),
    ("en", "non-actionable", "reporter", "Your previous reports will not colour how we read this one."),
    ("en", "non-actionable", "reporter", "Please don't wait before reporting it again."),
    ("en", "non-actionable", "reporter", "If this goes badly for you, please write to us."),
    ("en", "non-actionable", "reporter", "We took into account that you have never had any warnings or blocks."),
    ("en", "non-actionable", "reporter", "We weighed the reporter's complaints carefully."),
    ("en", "non-actionable", "reporter", "You told us in confidence that you felt unsafe."),
    ("en", "non-actionable", "reporter", "Any private warnings are not something we are able to share."),
    ("en", "actionable", "reporter", "It is never too little or too late to ask for help."),
    ("en", "actionable", "reporter", "If you feel the sanction was too light, you can say so on the talk page."),
    ("en", "actionable", "reporter", "We are sorry that's all we can do on-wiki."),
    ("en", "non-actionable", "reporter", "You are welcome to raise this at the village pump later if you choose."),
    ("en", "non-actionable", "reporter", "Please don't put your personal information up on social media."),
    ("en", "non-actionable", "reporter", "I personally reviewed the diffs, and there was clearly a violation."),
    ("en", "non-actionable", "reporter", "I would bet you are tired of this."),
    ("en", "non-actionable", "subject", "Good news: the report about you was closed and nothing is recorded."),
    ("de", "non-actionable", "subject", "Die Meldung gegen Sie war grundlos, und Sie müssen sich darüber nicht sorgen."),
    ("de", "non-actionable", "subject", "Die Vorwürfe waren grundlos, eine Sperre wird es nicht geben."),
    ("de", "non-actionable", "reporter", "Die Meldung wurde erst bearbeitet, nachdem wir alle Difflinks überprüft hatten."),
    ("de", "non-actionable", "reporter", "Anschuldigungen prüfen wir erst, wenn Difflinks vorliegen."),
    ("de", "non-actionable", "reporter", "Wir können nicht-öffentliche Verwarnungen grundsätzlich nicht nennen."),
    ("de", "non-actionable", "reporter", "Bitte schreiben Sie Ihre Anschrift nicht ins Forum."),
    ("de", "non-actionable", "reporter", "Ihren Fall haben wir vertraulich behandelt und nicht öffentlich gemacht."),
    ("de", "actionable", "subject", "Über Ihr Verhalten gibt es nichts nachzudenken."),
    # near the ninth author's (dev_i) cue classes
    ("en", "non-actionable", "reporter", "Please try writing to us again if it continues."),
    ("en", "non-actionable", "reporter", "You can tell your story to Trust and Safety at ca@wikimedia.org."),
    ("de", "actionable", "reporter", "Die Beleidigungen wurden mit einer Sperre geahndet."),
    ("de", "non-actionable", "reporter", "Ich bin überzeugt, dass Sie richtig gehandelt haben, als Sie gemeldet haben."),
    ("de", "non-actionable", "reporter", "Ich vermittle Ihnen gern einen Kontakt zu HateAid."),
    ("de", "non-actionable", "reporter", "Das heißt nicht, dass du dir irgendwas eingebildet hast."),
    ("de", "non-actionable", "reporter", "Sollten weitere Nachrichten folgen, melden Sie diese bitte erneut."),
    # near the tenth author's (dev_j) cue classes
    ("en", "non-actionable", "reporter", "The page can be easily edited by anyone, so please add the diffs to your report."),
    ("en", "non-actionable", "reporter", "This was not a two-way row: he went after you, and the block reflects that."),
    ("en", "non-actionable", "reporter", "What you heard was not acceptable under our friendly space policy."),
    ("en", "non-actionable", "reporter", "Nothing you reported will count against your standing."),
    ("en", "non-actionable", "reporter", "We read his cross-wiki posts as canvassing and locked the account."),
    ("en", "non-actionable", "reporter", "He had got a reputation as a troublemaker long before you reported him."),
    ("en", "referred", "reporter", "I'd be surprised if the block did not settle things down."),
    ("en", "non-actionable", "reporter", "If you ever want to write a first-person piece about it, that is entirely up to you."),
    ("en", "actionable", "reporter", "I hope the fear fades soon; Samaritans are there if it doesn't."),
    ("en", "non-actionable", "reporter", "You don't need a doctor's note or any proof of how you feel to report again."),
    ("en", "actionable", "reporter", "The Foundation does not prosecute anyone; it can refer threats to the police."),
    ("en", "actionable", "reporter", "Stealing a password is an offence, and we have passed it to Trust and Safety."),
    ("en", "actionable", "reporter", "If you are in danger, you have every right to call the police at once."),
    ("en", "actionable", "reporter", "Please don't repost the details yourself; you are free to talk about what happened."),
    ("en", "actionable", "reporter", "Please pass it on to safety@nordvik.example and we will deal with it."),
    ("en", "non-actionable", "subject", "It was I who closed the report after reading the messages."),
    ("en", "non-actionable", "subject", "We will remain attentive to any new report, as we are for everyone."),
    ("de", "actionable", "reporter", "Des bist du ihm ned schuldig, und antworten musst du ihm auch nicht."),
    ("de", "non-actionable", "reporter", "Sie sind sehr schnell angegriffen worden, nachdem Sie den Artikel angelegt hatten."),
    ("de", "non-actionable", "reporter", "Ihre früheren Meldungen spielen bei der Gewichtung Ihrer Schilderung keine Rolle."),
    ("de", "non-actionable", "reporter", "Seine Nachrichten wirken wie Rache für deinen Revert, deshalb haben wir sie weitergegeben."),
    ("de", "mistaken-report", "reporter", "Das Kapitel wurde wegen einer Urheberrechtsfrage zusammengeführt."),
    ("de", "non-actionable", "reporter", "Du fragst, ob du Anzeige erstatten solltest."),
    ("de", "actionable", "reporter", "Die Sperre gilt drei Tage; wenn Sie sie zu kurz finden, sagen Sie es bitte."),
    ("en", "non-actionable", "reporter", "This was less of an argument between equals and more of a pile-on against you."),
    ("en", "non-actionable", "reporter", "He called it tit-for-tat, but the history shows you never replied in kind."),
    ("en", "non-actionable", "reporter", "The other editor described it as a mutual argument, but the diffs show he started every exchange."),
    ("en", "actionable", "reporter", "The photos he posted of you may have been altered, and we have asked Commons to delete them."),
    ("en", "actionable", "reporter", "Images of you can easily be morphed, so please tell us at once if any appear again."),
    ("en", "non-actionable", "reporter", "You may be worried that people will say you misheard; your account is consistent and we believe you."),
    ("en", "non-actionable", "reporter", "If he keeps bringing up your old block to work against you, let us know."),
    ("en", "actionable", "reporter", "Some editors viewed this as canvassing, and the admin who blocked him agreed."),
    ("en", "actionable", "reporter", "We treated it as forum shopping on his part and closed his counter-report."),
    ("en", "non-actionable", "reporter", "Asking on two noticeboards is fine; we do not read it as forum shopping."),
    ("en", "non-actionable", "reporter", "You may worry that others will dig through your history; if anyone does, tell us and we will act."),
    ("en", "referred", "reporter", "We'd be surprised if they didn't answer within a day; the team is very responsive."),
    ("en", "non-actionable", "reporter", "Personally, I went through every diff to find the source of the problem."),
    ("en", "non-actionable", "reporter", "Frankly, we could not find the source of the e-mails, and we are sorry about that."),
    ("en", "non-actionable", "reporter", "If you ask me, the root of the problem is that the page has too few watchers."),
    ("en", "referred", "reporter", "Your case should be heard outside the noticeboard, by the Trust and Safety team."),
    ("en", "referred", "reporter", "Your experience deserves to be heard by others who can act on it, so we passed it to Trust and Safety."),
    ("en", "non-actionable", "reporter", "A post from you on the noticeboard would make it easier for admins to find the diffs."),
    ("en", "non-actionable", "reporter", "A talk page post from you would get the admins' attention faster than an e-mail."),
    ("en", "non-actionable", "reporter", "You don't need to go to a doctor or the police before reporting to us; your report is enough."),
    ("en", "non-actionable", "reporter", "There is no need for therapy jargon in your report; tell us in your own words."),
    ("en", "actionable", "reporter", "His comments on Talk:Pranayama were removed and he is blocked."),
    ("en", "actionable", "reporter", "You do not have to look at his messages again until we have removed them."),
    ("en", "actionable", "reporter", "We will look at the comments daily and hide any new ones."),
    ("en", "non-actionable", "reporter", "Whether this is an offence is for the police to decide, not us."),
    ("en", "non-actionable", "reporter", "If you believe it is an offence, you can contact the police."),
    ("en", "actionable", "reporter", "Socking while blocked is a serious offence on this project, and we have opened a complaint at the stewards' noticeboard."),
    ("en", "non-actionable", "reporter", "We felt under pressure to act quickly, but we took the time to review every diff."),
    ("en", "non-actionable", "reporter", "You have every right to make a complaint here on the noticeboard."),
    ("en", "non-actionable", "reporter", "You are entitled to a statement of the outcome from us."),
    ("en", "non-actionable", "reporter", "You have the right to file a complaint with the Ombuds commission if you feel we handled this badly."),
    ("en", "actionable", "reporter", "Whether to prosecute him is entirely a matter for the police."),
    ("en", "actionable", "reporter", "The Foundation cannot prosecute him; only the police and the courts can."),
    ("en", "actionable", "reporter", "If the police need our logs to support a prosecution, the Foundation will answer a lawful request."),
    ("en", "actionable", "reporter", "He kept adding insults to the 10 Downing Street article."),
    ("en", "actionable", "reporter", "He reverted your edits to 3 Coronation Street articles."),
    ("en", "non-actionable", "reporter", "Childline's phone number is 0800 1111."),
    ("en", "non-actionable", "reporter", "The phone number starting with 0800 on the support page is free to call."),
    ("en", "non-actionable", "subject", "It was clear to all who wrote in the discussion that you had acted in good faith."),
    ("en", "non-actionable", "subject", "It was good to hear from everyone who wrote in support of you."),
    ("en", "non-actionable", "subject", "The request came from Trust and Safety, who asked us to review the case."),
    ("en", "non-actionable", "subject", "The report came from e-mail rather than the noticeboard."),
    ("en", "non-actionable", "subject", "We remain attentive to your questions if anything is unclear."),
    ("en", "non-actionable", "reporter", "I want to be open with you: we could not confirm that it was him, so the case is closed."),
    ("en", "actionable", "reporter", "Nobody could say you gave as good as you got; you stayed polite throughout."),
    ("en", "non-actionable", "reporter", "The helpline can talk you through grounding techniques if that is something you want."),
    ("de", "non-actionable", "reporter", "Sie sind nach Ihrer ersten Bearbeitung schnell angegriffen und beleidigt worden."),
    ("de", "actionable", "reporter", "Er behauptet, sein Kommentar sei eigentlich scherzhaft gemeint gewesen; das ändert nichts an der Sperre."),
    ("de", "mistaken-report", "reporter", "Ihre Meldung war sicher gut gemeint, aber der Artikel fällt nicht unter unsere Zuständigkeit."),
    ("de", "actionable", "reporter", "Selbst wenn es eigentlich ironisch gemeint war, bleibt es eine Beleidigung, und wir haben gehandelt."),
    ("de", "non-actionable", "reporter", "Wir haben die Glaubwürdigkeit Ihrer Schilderung nie angezweifelt."),
    ("de", "non-actionable", "reporter", "An der Glaubwürdigkeit Ihrer Schilderung gibt es keinen Zweifel."),
    ("de", "actionable", "reporter", "Ihre früheren Meldungen haben wir berücksichtigt, weil sie dasselbe Muster seines Verhaltens zeigen."),
    ("de", "actionable", "reporter", "Das Vorgehen des anderen Kontos sieht nach einem gezielten Feldzug gegen Sie aus."),
    ("de", "actionable", "reporter", "Die vielen Edits an deinem Artikel wirken wie ein Racheakt."),
    ("de", "non-actionable", "reporter", "Um einen Ruf als Querulantin müssen Sie sich keine Sorgen machen."),
    ("de", "actionable", "reporter", "Er hat versucht, Ihnen den Stempel einer Störenfriedin aufzudrücken; das lassen wir nicht zu."),
    ("de", "non-actionable", "reporter", "Für uns ist es kein Zufall, dass die Meldungen zunehmen: Es gibt jetzt ein einfacheres Meldeformular."),
    ("de", "non-actionable", "subject", "Das Schiedsgericht fragt nicht, was für ein Mensch Sie sind, sondern nur, was in den Difflinks steht."),
    ("de", "non-actionable", "subject", "Es spielt keine Rolle, was für ein Benutzer Sie sind; die Regeln gelten für alle gleich."),
    ("de", "actionable", "reporter", "Falls sich die Sperre als zu kurz erweist, verlängern wir sie sofort."),
    ("de", "actionable", "reporter", "Die Sperre ist eher kurz, weil es sein erster Verstoß war; bei einer Wiederholung wird sie deutlich länger."),
    ("de", "actionable", "reporter", "Die Frist von zwei Wochen für einen Einspruch ist recht kurz, deshalb sagen wir es Ihnen gleich."),
    ("de", "actionable", "subject", "Ehrlich gesagt hatte ich mehr Aufwand erwartet; Ihr Einspruch war klar begründet und ist angenommen."),
    # more work expected, not more of the person: the model reads sanctioned subjects too
    ("de", "actionable", "subject", "Ich hatte mehr Rückfragen erwartet, aber Ihre Stellungnahme war vollständig."),
    ("en", "actionable", "subject", "Honestly I had expected more work; your appeal was clearly argued and is accepted."),
    # a matter, a person or an apology named as a fact, not advice or the writer's feeling
    # (session 26's probes of good replies)
    ("en", "actionable", "reporter", "The court case you mentioned is not something the administrators take into account."),
    ("en", "actionable", "reporter", "The other editor's apology was posted on his talk page this morning."),
    ("en", "actionable", "reporter", "He said on his talk page that he is sorry, and the block is for one week."),
    ("en", "actionable", "reporter", "He argued that you had provoked him, and the administrators did not accept that."),
    ("de", "actionable", "reporter", "Der Name seiner Therapeutin stand im Thread; die Version ist jetzt versteckt."),
    ("de", "actionable", "reporter", "Er hat sich auf seiner Diskussionsseite entschuldigt, und die Sperre gilt eine Woche."),
    ("de", "actionable", "reporter", "Er hat behauptet, du hättest ihn provoziert, und die Admins haben das nicht gelten lassen."),
    ("en", "actionable", "reporter", "His employer was named in the thread; that revision is now hidden from public view."),
    ("en", "actionable", "reporter", "The other editor was told that someone reported him, not who."),
    ("en", "actionable", "reporter", "Trust and Safety found your report credible and acted on it."),
    ("en", "actionable", "reporter", "The Foundation's investigation found he had broken the Universal Code of Conduct."),
    ("en", "actionable", "reporter", "The Foundation told me the case is closed; I cannot say more than that."),
    ("de", "actionable", "reporter", "Die Untersuchung der Foundation hat ergeben, dass er gegen den Verhaltenskodex verstoßen hat."),
    ("de", "actionable", "reporter", "Trust and Safety hat deine Meldung für glaubwürdig befunden und gehandelt."),
    ("de", "actionable", "reporter", "Der andere Benutzer wurde informiert, dass ihn jemand gemeldet hat, aber nicht wer."),
    ("de", "non-actionable", "reporter", "Wenn er dich wieder anschreibt, antworte bitte hier im Ticket statt auf seiner Diskussionsseite."),
    ("en", "non-actionable", "reporter", "He mentioned in the thread that he is in therapy, which has no bearing on the report."),
    ("en", "actionable", "reporter", "He threatened to sue you, which is a legal threat under our policy, and that is why he is blocked."),
    ("en", "non-actionable", "reporter", "His message said you should see a psychiatrist; that remark is one of the reasons for the warning."),
    ("de", "non-actionable", "reporter", "Er hat im Thread erwähnt, dass er in Therapie ist; das spielt für die Meldung keine Rolle."),
    ("en", "non-actionable", "reporter", "You do not deserve any of this, and nobody does."),
    ("en", "non-actionable", "reporter", "You deserve an answer, and here it is: the report is closed without a block."),
    ("de", "non-actionable", "reporter", "Das hast du nicht verdient, und niemand verdient so etwas."),
    ("en", "actionable", "reporter", "The edits came from an IP address, so there is no account to block; the address is blocked for a month."),
    ("de", "non-actionable", "reporter", "Die Glaubwürdigkeit Ihrer Schilderung steht für uns außer Frage."),
    # near the eleventh author's (dev_k) cue classes
    ("en", "non-actionable", "reporter", 'Please pick "harassment" in the form when you report again.'),
    ("en", "non-actionable", "reporter", 'He called you a "stalker" in his edit summary, and that summary is now hidden.'),
    ("en", "non-actionable", "reporter", "We never asked whether this is really about harassment; the diffs speak for themselves."),
    ("en", "non-actionable", "reporter", "Your word is enough for us to look again, so please send anything new."),
    ("en", "non-actionable", "reporter", "Nothing you posted gave him ammunition; he chose to attack you."),
    ("en", "non-actionable", "reporter", "If you keep your report short and factual, admins can read it faster."),
    ("en", "non-actionable", "reporter", "It is not that we think you overreacted; the policy simply does not cover this."),
    ("en", "non-actionable", "reporter", "Your scholarship is not affected by this report in any way."),
    ("en", "non-actionable", "reporter", "Your candidacy and this report are separate matters, and one will not colour the other."),
    ("en", "non-actionable", "reporter", "Everyone here would know it was him, because he signed every comment."),
    ("en", "non-actionable", "reporter", "I would not want this to affect your evening; there is nothing more you need to do."),
    ("en", "non-actionable", "reporter", "An administrator has asked him to stop commenting on your edits."),
    ("en", "non-actionable", "reporter", "You do not need to ask him to stop; the interaction ban does that."),
    ("en", "non-actionable", "reporter", "We will ask her to leave you alone, and a block follows if she does not."),
    ("en", "malicious-report-subject", "subject", "The admins did not doubt your account of the edits; the logs confirmed it."),
    ("en", "malicious-report-subject", "subject", "We know you have been editing for eight years, and nothing is recorded against you."),
    ("en", "non-actionable", "reporter", "My guess is that the review will take about a week."),
    ("en", "non-actionable", "reporter", "For what it is worth, the admins were unanimous that the block was needed."),
    ("en", "actionable", "reporter", "Your experience is worth sharing with Trust and Safety, who can act across projects."),
    ("en", "actionable", "reporter", "If you write to us again, it will help the admins take this further."),
    ("en", "actionable", "reporter", "If you ever decide to write about it, that is entirely up to you."),
    ("en", "non-actionable", "reporter", "Please don't tag him on the village pump; leave that to the admins."),
    ("en", "non-actionable", "reporter", "What helped me most when I started out was the Teahouse."),
    ("en", "non-actionable", "reporter", "Each day we read the list of new reports and answer them."),
    ("en", "non-actionable", "reporter", "The helpline can suggest something that helped others in your situation."),
    ("en", "malicious-report-subject", "subject", "You may not know who filed it, and we cannot tell you."),
    ("en", "malicious-report-subject", "subject", "You know who to contact if anything new happens: the team address."),
    ("en", "actionable", "reporter", "He registered as a participant and was asked to leave the event."),
    ("en", "actionable", "reporter", "Please check the registration list at the desk if your name is missing."),
    ("en", "actionable", "reporter", "He works as a volunteer on the Wikidata help desk, and that role has been removed."),
    ("en", "non-actionable", "reporter", "Your name is not on any internal list, and reporting will not put it there."),
    ("en", "non-actionable", "reporter", "We keep no private watchlist of the people who report."),
    ("en", "malicious-report-subject", "subject", "Nothing here is meant to teach you a lesson; the report was simply mistaken."),
    ("en", "malicious-report-subject", "subject", "Your name came up only because the other account copied your signature."),
    ("en", "malicious-report-subject", "subject", "This is the second time your account has been impersonated, so we asked the stewards to lock the copy."),
    ("en", "actionable", "subject", "An appeal goes to appeals@summit.example within 30 days."),
    ("en", "mistaken-report", "reporter", "The edits you reported were not made by the account you named."),
    ("de", "non-actionable", "reporter", "Bitte wählen Sie im Formular „Belästigung“ aus, wenn Sie erneut melden."),
    ("de", "non-actionable", "reporter", "Er nennt deine Kritik „Mobbing“, aber die Difflinks zeigen etwas anderes."),
    ("de", "non-actionable", "reporter", "Ihr Wort reicht uns, um die Seite erneut zu prüfen."),
    ("de", "non-actionable", "reporter", "Du hast ihm keine Angriffsfläche geboten; er hat dich grundlos angegriffen."),
    ("de", "non-actionable", "reporter", "Wenn du die Meldung kürzer fasst, können die Admins sie schneller lesen."),
    ("de", "non-actionable", "reporter", "Sie tun uns einen Gefallen, wenn Sie neue Difflinks gleich mitschicken."),
    ("de", "non-actionable", "reporter", "Wer ihn meldet, muss sich keine Sorgen machen; Meldungen sind vertraulich."),
    ("de", "non-actionable", "reporter", "Deine Note hängt nicht von dieser Meldung ab, und sie wird dir nicht schaden."),
    ("de", "non-actionable", "reporter", "Du hast gefragt, ob du ihm schreiben solltest: Das musst du nicht."),
    ("de", "non-actionable", "reporter", "Ich habe keinen Zweifel, dass die Difflinks von Ihnen vollständig sind."),
    ("de", "non-actionable", "reporter", "Ich habe keine Ahnung, wie lange die Prüfung dauert, melde mich aber."),
    ("de", "actionable", "reporter", "Ob Sie beim Vereinstreffen über Ihren Fall sprechen möchten, ist ganz Ihre Entscheidung."),
    ("de", "actionable", "reporter", "Ihre Geschichte können Sie uns jederzeit vertraulich erzählen."),
    ("de", "actionable", "reporter", "Was mir bei der Prüfung geholfen hat, waren Ihre genauen Difflinks."),
    ("de", "actionable", "reporter", "Er hat dir aufs Handy geschrieben; bitte schick uns einen Screenshot davon."),
    ("de", "actionable", "reporter", "Mach das Formular konsequent vollständig, dann geht die Prüfung schneller."),
    ("de", "non-actionable", "reporter", "Die Beratung des Schiedsgerichts beginnt um 14:30 Uhr."),
    ("de", "non-actionable", "reporter", "Ich habe die Diskussionsseite auf meine Beobachtungsliste gesetzt."),
    ("de", "non-actionable", "reporter", "Wir führen keine interne Liste über Meldende."),
    ("de", "non-actionable", "reporter", "Drei Admins haben die Meldung geprüft und einstimmig entschieden."),
    ("de", "actionable", "reporter", "Das Konto, das eine Abwandlung Ihres bürgerlichen Namens nutzte, ist gesperrt."),
    # a reviewer's healthy sentences near the dev_k classes (same words, no flaw); most
    # raised a code until those classes were narrowed
    ("en", "actionable", "reporter", 'You were right to call it "harassment", and the block reflects that.'),
    ("en", "actionable", "reporter", 'In your message you used the word "stalking", and we agree it describes what he did.'),
    ("en", "non-actionable", "reporter", "We have added the label 'harassment' to the case so it reaches the right team."),
    ("en", "actionable", "reporter", 'The subject line of his e-mail said "threat", and we have passed it to Trust and Safety.'),
    ("en", "non-actionable", "reporter", "The first step for any report is to decide whether it is about conduct or content, and yours is clearly about conduct."),
    ("en", "non-actionable", "reporter", "We looked at whether the report was about harassment or a content dispute only to send it to the right noticeboard."),
    ("en", "non-actionable", "reporter", "Whether this is harassment or not was never in question for us."),
    ("en", "non-actionable", "reporter", "You need no more than your word to open a new report."),
    ("en", "non-actionable", "reporter", "Your word alone is enough for us to start a review."),
    ("en", "non-actionable", "reporter", "Your word against his is not how we decide; the edit history supports you."),
    ("en", "non-actionable", "reporter", "We never rely only on your word or only on his; the logs decide, and here they support you."),
    ("en", "actionable", "reporter", "You gave the admins an opening to act by sending such clear diffs."),
    ("en", "actionable", "reporter", "Your messages gave us plenty to work with, thank you."),
    ("en", "non-actionable", "reporter", "Your openness about your identity gives him no right to use it against you."),
    ("en", "non-actionable", "reporter", "If you keep the report short and factual, it is less likely to be archived before an admin reads it."),
    ("en", "non-actionable", "reporter", "Your grant is reviewed by a separate committee, and nothing in this case goes to them."),
    ("en", "non-actionable", "reporter", "RfA candidates are reviewed by the community, but reports you filed are not part of that."),
    ("en", "non-actionable", "reporter", "Scholarship recipients are notified of the programme's decision by e-mail in June."),
    ("en", "non-actionable", "reporter", "Your scholarship application will be reviewed on its merits, and filing this report changes nothing about that."),
    ("en", "non-actionable", "reporter", "If your adminship comes back up for reconfirmation next year, this report plays no part in it."),
    ("en", "non-actionable", "reporter", "Grant applications are reviewed twice a year by the committee, which never sees conduct reports."),
    ("en", "non-actionable", "reporter", "Old disputes have a way of resurfacing, so please tell us at once if he comes back."),
    ("en", "actionable", "reporter", "Accounts like this have a way of coming back under new names; if that happens, report it and we will act."),
    ("en", "non-actionable", "reporter", "People will know it was you only if you choose to tell them, because the report itself stays private."),
    ("en", "non-actionable", "reporter", "You asked whether everyone would know it was you: they will not, because reports are private."),
    ("en", "non-actionable", "reporter", "You did yourself a real favour by keeping the diffs."),
    ("en", "non-actionable", "reporter", "Anyone who reports a sock puppet shouldn't be surprised if it takes a few days, because checkuser requests queue up."),
    ("en", "non-actionable", "reporter", "People who report through the e-mail form shouldn't be surprised if the reply comes from a different admin."),
    ("en", "non-actionable", "reporter", "Editors who report harassment should not wonder if they did something wrong; they did not."),
    ("en", "non-actionable", "reporter", "We will not let this colour how your work is assessed."),
    ("en", "actionable", "reporter", "His comments were meant to colour how others viewed your edits, and that is why he was blocked."),
    ("en", "non-actionable", "reporter", "Stress can colour how we perceive messages, which is why two admins read the diffs."),
    ("en", "non-actionable", "reporter", "You can ask an administrator to tell him to stop."),
    ("en", "non-actionable", "reporter", "If you mention her in a report, she gets a notification, so you may prefer to link the diff instead."),
    ("en", "actionable", "reporter", "The block notice tells him to stop contacting you."),
    ("en", "non-actionable", "reporter", "Mentioning him by name in your report is fine; the admins need to see who it is."),
    ("en", "actionable", "reporter", "The interaction ban asks him to stay away from your talk page, and a breach means a block."),
    ("en", "malicious-report-subject", "subject", "We know you as the author of most of the railway articles, which is why the impersonation was easy to spot."),
    ("en", "non-actionable", "reporter", "My money is on the new edit filter catching these edits before anyone sees them."),
    ("en", "non-actionable", "reporter", "Our reading of the checkuser result is in the closing note, and it is what the decision rests on."),
    ("en", "mistaken-report", "subject", "We did not doubt your right to appeal, and the appeal was heard in full."),
    ("en", "non-actionable", "reporter", "If he writes to you on LinkedIn, block him there and send us a screenshot."),
    ("en", "non-actionable", "reporter", "If you see your name shared on YouTube or in a newsletter, send us the link."),
    ("en", "actionable", "reporter", "The screenshots he put on Bluesky have been reported to the platform."),
    ("en", "non-actionable", "reporter", "We recommend setting your LinkedIn profile to private for a while."),
    ("en", "non-actionable", "reporter", "Your story is worth telling to the people who can help, such as the helpline below."),
    ("en", "actionable", "reporter", "Your experience is worth hearing, and the admins read every word of it."),
    ("en", "actionable", "reporter", "If you share the new diffs with us, it will help the admins start to address them quickly."),
    ("en", "non-actionable", "reporter", "The stress of waiting eases once a decision is posted, so we aim to decide within a week."),
    ("en", "actionable", "reporter", "We hope the stress eases now that the block is in place."),
    ("en", "actionable", "reporter", "The fear you describe is real, and it often eases when you can talk it through with a counsellor."),
    ("en", "non-actionable", "reporter", "Here is what helps me when I prepare a report: one diff per line, with dates."),
    ("en", "non-actionable", "reporter", "Every day, note the date of each new message in a notebook or a text file, so the admins have a clear record."),
    ("en", "non-actionable", "reporter", "Each morning we read the noticeboard and note new reports in our journal."),
    ("en", "non-actionable", "reporter", "Take the time you need; the admins will wait, and they know you are on sick leave."),
    ("en", "malicious-report-subject", "subject", "If you know who is behind the impersonating account, please tell us."),
    ("en", "actionable", "reporter", "The attendee list only shows usernames, never real names or addresses."),
    ("en", "actionable", "reporter", "The registration form asks for an e-mail address, which only the organisers can see."),
    ("en", "actionable", "reporter", "She works as a clerk for the Arbitration Committee, which is why another clerk handled your case."),
    ("en", "actionable", "reporter", "He works as an administrator for Commons, so the stewards handled this instead."),
    ("en", "non-actionable", "reporter", "We added your user page to our internal watchlist, so new edits there are seen quickly."),
    ("en", "non-actionable", "reporter", "Your user page is now on our private watchlist, so vandalism there is reverted fast."),
    ("en", "actionable", "reporter", "She registered under her username, as all participants do."),
    ("en", "actionable", "subject", "Editors often expect more from an admin than a one-line block notice, so here is the full reasoning."),
    ("en", "actionable", "subject", "The linked guide will teach you how to file an appeal."),
    ("en", "mistaken-report", "subject", "A mentor may be able to teach you the citation templates if you like."),
    ("en", "malicious-report-subject", "subject", "Your name appears repeatedly in the thread because he quoted you, not because of anything you did."),
    ("en", "mistaken-report", "subject", "The common thread in the three reports was an automated tool that misread your edits."),
    ("en", "mistaken-report", "subject", "The common denominator was a bug in the edit filter, not your edits."),
    ("en", "actionable", "subject", "If you are unsure whether to appeal, ask yourself what you want the committee to change, and say that in the appeal."),
    ("en", "mistaken-report", "subject", "We considered the effect your edits had on the article and found it positive."),
    ("de", "actionable", "reporter", "Du hast das zu Recht „Belästigung“ genannt, und so haben wir es auch gewertet."),
    ("de", "actionable", "reporter", "Das Wort „Stalking“ beschreibt genau, was er getan hat."),
    ("de", "actionable", "reporter", "In deiner Meldung stand „Drohung“, und wir sehen das genauso."),
    ("de", "non-actionable", "reporter", "Ihr Wort allein reicht uns, um eine Prüfung zu beginnen."),
    ("de", "non-actionable", "reporter", "Es steht nicht Ihr Wort gegen seines: Die Versionsgeschichte belegt alles."),
    ("de", "non-actionable", "reporter", "Wir verlassen uns nicht nur auf Ihre Aussage, sondern auch auf die Versionsgeschichte, und beides passt zusammen."),
    ("de", "actionable", "reporter", "Wir geben ihm mit dem Schutz der Seite deutlich weniger Angriffsfläche."),
    ("de", "actionable", "reporter", "Damit er keine Angriffsfläche mehr findet, haben wir die Seite geschützt."),
    ("de", "non-actionable", "reporter", "Falls Sie die Difflinks knapper zusammenstellen, fragen wir seltener nach, nötig ist das aber nicht."),
    ("de", "non-actionable", "reporter", "Sie tun sich keinen Gefallen damit, die Nachrichten allein auszuhalten, sprechen Sie ruhig mit der Telefonseelsorge."),
    ("de", "non-actionable", "reporter", "Wir würden dir einen Bärendienst erweisen, wenn wir die Meldung ohne Prüfung schließen."),
    ("de", "non-actionable", "reporter", "Für Ihre Kandidatur hat die Meldung keinerlei Nachteile."),
    ("de", "non-actionable", "reporter", "Bei der Wiederwahl im Mai zählt nur Ihre Arbeit als Admin, und an diese Meldung wird sich dort niemand erinnern."),
    ("de", "non-actionable", "reporter", "Die Bewertung der Meldung hat länger gedauert, weil sich der Konflikt auf drei Projekte ausgewirkt hat."),
    ("de", "non-actionable", "reporter", "Die Bestätigungswahl für Admins ist ein eigenes Verfahren, und eine Meldung wird dort nicht angerechnet."),
    ("de", "non-actionable", "reporter", "Ich tippe auf die nächste Woche, bis die Prüfung abgeschlossen ist."),
    ("de", "non-actionable", "reporter", "Ich würde wetten, dass Sie nicht die Einzige sind, der das passiert ist, deshalb gibt es die Hilfsangebote unten."),
    ("de", "non-actionable", "reporter", "Wir sind sicher, dass die Hinweise von Ihnen kamen, denn Sie haben sie uns per Mail geschickt."),
    ("de", "actionable", "reporter", "Wenn Sie einen Bericht über Ihren Fall für unsere Akte schreiben möchten, nehmen wir ihn gern auf."),
    ("de", "actionable", "reporter", "Ein kurzer Bericht über Ihre Erfahrung an das Support-Team würde helfen, das Konto projektübergreifend zu sperren."),
    ("de", "actionable", "reporter", "Ihre Schilderung kann viel bewirken, wenn Sie sie an Trust and Safety schicken."),
    ("de", "non-actionable", "reporter", "Was mir bei solchen Meldungen hilft: ein Link auf die erste Bearbeitung."),
    ("de", "non-actionable", "reporter", "Wenn Sie Ihr Handy für ein paar Tage weglegen möchten, ist das in Ordnung, wir melden uns per E-Mail."),
    ("de", "actionable", "reporter", "Der Artikel über Lavendel, an dem Sie arbeiten, ist jetzt halbgeschützt."),
    ("de", "actionable", "reporter", "Sie müssen nicht rückwärts zählen, die Sperre endet automatisch am 12. Mai."),
    ("de", "actionable", "reporter", "Wenn die Sperre greift, dann wird's hoffentlich besser auf der Diskussionsseite."),
    ("de", "non-actionable", "reporter", "Die Abstimmung über die Sperre endet am Freitag um 18:00."),
    ("de", "non-actionable", "reporter", "Die Beratung des Schiedsgerichts ist für den 3. Mai, 9:30, angesetzt."),
    ("de", "actionable", "reporter", "Mehrere Admins haben auf der Vandalismusmeldung öffentlich für eine Sperre plädiert, und sie wurde verhängt."),
    ("de", "non-actionable", "reporter", "Wir haben Ihre Benutzerseite auf eine interne Beobachtungsliste gesetzt, damit Vandalismus dort schnell auffällt."),
    ("de", "non-actionable", "reporter", "Das Sperrlog ist öffentlich, eine interne Akte über Sie gibt es nicht."),
    ("de", "actionable", "reporter", "Das Konto, das Ihren echten Namen als Benutzernamen nutzte, ist gesperrt und umbenannt."),
    ("de", "actionable", "reporter", "Ein Konto hat deinen echten Namen verwendet, es ist jetzt gesperrt."),
    ("de", "actionable", "reporter", "Nach ein paar Tagen ist es meistens so weit: Dann entscheidet das Schiedsgericht über den Einspruch."),
    ("de", "non-actionable", "reporter", "Seine Antwort schwächt Ihre Darstellung in keiner Weise."),
    ("de", "actionable", "reporter", "Sie haben uns Ihren echten Namen genannt; wir verwenden ihn nur für diese Meldung."),
    ("de", "non-actionable", "reporter", "Was mir hilft, Ihnen schnell zu antworten: schicken Sie bitte die Difflinks."),
    ("en", "malicious-report-subject", "subject", "You can probably guess: it was the edit filter that stopped the edit."),
    # Healthy sentences near the cue classes added or widened from the twelfth author
    # (dev_l): nearby vocabulary used healthily, in both languages.
    # en blame: MISUNDERSTANDING
    ("en", "non-actionable", "reporter", "It was not a misunderstanding: the diffs show the remarks were aimed at you."),
    ("en", "non-actionable", "reporter", "He says it was probably a misunderstanding of the tone, but we do not accept that."),
    ("en", "mistaken-report", "reporter", "The mix-up over the two similar usernames is easy to make, and nobody holds it against you."),
    ("en", "non-actionable", "reporter", "Such misunderstandings about sources are common in that topic, and the article talk page explains the sourcing rules."),
    # en blame: NO WITNESS, SO
    ("en", "non-actionable", "reporter", "None of the other participants noticed anything, which is common when remarks are made quietly, and it does not change how we read your report."),
    ("en", "non-actionable", "reporter", "Nobody else saw the message, so please keep the screenshots you took."),
    ("en", "non-actionable", "reporter", "No one on the team saw it happen, so we relied on your account and the two volunteers you named."),
    ("en", "actionable", "reporter", "Nobody else confirmed it, and we acted on your account alone."),
    # en blame: FACE VALUE
    ("en", "non-actionable", "reporter", "We took what you sent at face value and checked the headers ourselves."),
    ("en", "non-actionable", "reporter", "It was hard to take his explanation at face value, but the rules still did not allow a block."),
    ("en", "non-actionable", "reporter", "It is hard for me to say more without the diffs, so please send them if you can."),
    ("en", "actionable", "reporter", "We accepted your screenshots as genuine and the block followed."),
    # en blame: ODD EVIDENCE
    ("en", "non-actionable", "reporter", "It is odd that the e-mails came from a new address each time, and that is part of what we passed to Trust and Safety."),
    ("en", "non-actionable", "reporter", "The messages you forwarded were clear, and thank you for keeping them."),
    ("en", "actionable", "reporter", "It was strange that he kept changing his username, and the stewards noticed it too."),
    ("en", "non-actionable", "reporter", "If the e-mails you received look odd, forward them as attachments so the headers are kept."),
    # en blame: WEAKENS
    ("en", "non-actionable", "reporter", "Nothing in his reply weakens your account."),
    ("en", "actionable", "reporter", "His edits undermined the discussion, which is why he is blocked."),
    ("en", "non-actionable", "reporter", "A missing diff does not weaken your report; we found the edit in the history."),
    ("en", "actionable", "reporter", "The new evidence strengthens the case against him, and the block has been extended."),
    # en blame: PRE-DENIAL
    ("en", "non-actionable", "reporter", "Nobody is accusing you of anything, and you were right to write to us."),
    ("en", "non-actionable", "reporter", "He was accusing you of vandalism, but the history shows you were fixing a citation."),
    ("en", "non-actionable", "reporter", "I am not blaming you for the delay; the queue was long this month."),
    ("en", "non-actionable", "reporter", "We do not blame you for anything that happened in that thread."),
    # en threat: OPPORTUNITY AT RISK
    ("en", "actionable", "reporter", "Your report will not affect whether you are invited to future edit-a-thons."),
    ("en", "actionable", "reporter", "The ban decides whether he may attend our events, not whether you may."),
    ("en", "actionable", "reporter", "The weather may affect whether the photo walk goes ahead next month."),
    ("en", "actionable", "reporter", "Your place on the organising team is not affected by any of this."),
    # en threat: BUT THINK TWICE / THINK TWICE
    ("en", "non-actionable", "reporter", "You can write to the board, and we will send them our notes if you do."),
    ("en", "non-actionable", "reporter", "You can, of course, write to Trust and Safety; they reply within a few days."),
    ("en", "non-actionable", "reporter", "Nobody should have to think twice."),
    ("en", "actionable", "reporter", "He has been told to think twice."),
    # en threat: MUD STICKS
    ("en", "non-actionable", "reporter", "None of this will stick to you: the closure says the report was made in good faith."),
    ("en", "actionable", "reporter", "The block will stick to his account for six months."),
    ("en", "non-actionable", "reporter", "You will not end up as the one who can't let it go; raising it again is what the process is for."),
    ("en", "non-actionable", "reporter", "The label he tried to stick on you has been removed from the talk page."),
    # en contact: INVITE HIM / TALK IT OUT
    ("en", "actionable", "reporter", "We invited him to comment on the report, as the process requires, and he declined."),
    ("en", "non-actionable", "reporter", "Please do not invite him to the next workshop; the organisers will handle his registration."),
    ("en", "non-actionable", "reporter", "If you want to talk it out with someone, the helpline listed below is free."),
    ("en", "non-actionable", "reporter", "You can talk it through with us at any time."),
    # en opinion: IF IT WERE UP TO ME
    ("en", "non-actionable", "reporter", "If it were up to me, the review would have been faster; I am sorry for the wait."),
    ("en", "non-actionable", "reporter", "If it depended on me, you would have had an answer last week."),
    ("en", "actionable", "reporter", "The decision was not up to me; the committee voted and he is banned for six months."),
    ("en", "non-actionable", "reporter", "If it were my call alone I would still need the diffs, so please send any you find."),
    # en opinion: I BELIEVE YOU THAT / CLEAR TO ME
    ("en", "non-actionable", "reporter", "I believe you, and that is why we asked the stewards to look again."),
    ("en", "non-actionable", "reporter", "I believe you that this was frightening."),
    ("en", "non-actionable", "reporter", "For me it is clear that the report was made in good faith."),
    ("en", "non-actionable", "reporter", "It is clear to me that the edits you listed were about the article, not about you, which is why there is no block."),
    # en opinion: MOTIVE
    ("en", "non-actionable", "reporter", "I think you were right to keep the messages, and I hope he stops."),
    ("en", "malicious-report-subject", "subject", "We think the report was filed in error, and nothing is recorded against you."),
    ("en", "non-actionable", "reporter", "I understand you fear he wants to get back at you, so we have protected your talk page."),
    ("en", "actionable", "reporter", "I believe the block settles the matter on the wiki."),
    # en advocacy: TELL THE ROOM / WAKE-UP
    ("en", "actionable", "reporter", "At the closing dinner the organisers will remind everyone of the code of conduct, without naming anyone."),
    ("en", "actionable", "reporter", "If you ever want to tell us more about what happened, we are here."),
    ("en", "actionable", "reporter", "You do not have to tell anyone at the festival about what happened."),
    ("en", "actionable", "reporter", "We told the whole group that the code of conduct applies at every event."),
    ("en", "actionable", "reporter", "We hope the new rules will make people notice sooner when a participant is uncomfortable."),
    # en counselling: BODY TRICK / CUT STIMULANT
    ("en", "actionable", "reporter", "We cut the coffee break short so the organisers could talk about the code of conduct."),
    ("en", "actionable", "reporter", "The organisers will avoid serving alcohol at the next dinner."),
    ("en", "actionable", "reporter", "The photo of the ice cube sculpture you uploaded is back on Commons."),
    ("en", "actionable", "reporter", "The comments about your body have been removed and the account is blocked."),
    # en counselling: THOUGHT RECORD
    ("en", "non-actionable", "reporter", "Please write down the dates and, next to each one, the diff link, so we can check them quickly."),
    ("en", "non-actionable", "reporter", "Please list the diffs that show the edits were about you."),
    ("en", "non-actionable", "reporter", "If you have thoughts on the draft policy, write them on its talk page."),
    ("en", "non-actionable", "reporter", "Keep a record of any new messages and send them to us."),
    # en counselling: VISUALISE / POWER OUT
    ("en", "non-actionable", "reporter", "I can't imagine how tiring this has been."),
    ("en", "actionable", "reporter", "Picture the timeline we drew up: the block covers every account in it."),
    ("en", "actionable", "reporter", "The oversight took the post out of the public history."),
    ("en", "actionable", "reporter", "Removing the photo takes the power to harass you that way out of his hands."),
    # en counselling: TIME PROMISE
    ("en", "actionable", "reporter", "In two weeks the block expires, and if it starts again, report it on the same page."),
    ("en", "actionable", "reporter", "After three days the request passes to the stewards."),
    ("en", "actionable", "reporter", "For a month the page will be protected, and then the protection goes away on its own."),
    ("en", "non-actionable", "reporter", "Within a week the appeal is decided and we will write to you."),
    # en emotional: WRITER'S CELEBRATION
    ("en", "actionable", "reporter", "The account is blocked, and the participants at the meetup cheered the new code of conduct."),
    ("en", "actionable", "reporter", "I did not cheer or celebrate; I simply closed the case."),
    ("en", "actionable", "reporter", "The block is in place, and the decision is on the noticeboard."),
    ("en", "non-actionable", "reporter", "I know this is not the outcome you were hoping for, and I am sorry it took so long."),
    # en confidential: SAME RANGE
    ("en", "non-actionable", "reporter", "The comments come from a range of accounts, and we have protected the page."),
    ("en", "non-actionable", "reporter", "Your reports came from the same noticeboard thread, so we read them together."),
    ("en", "non-actionable", "reporter", "We cannot share where the edits come from."),
    ("en", "non-actionable", "reporter", "The articles cover the same range of topics as your earlier work."),
    # en confidential: FILER'S ORIGIN
    ("en", "mistaken-report", "subject", "The report came in through the usual noticeboard, and we reviewed it there."),
    ("en", "malicious-report-subject", "subject", "We cannot say where the complaint came from."),
    ("en", "mistaken-report", "subject", "If somebody from your club asks, you can say the case is closed."),
    ("en", "malicious-report-subject", "subject", "The complaint came from an address at the Foundation's support team, which forwards such reports to us."),
    # en judgmental: FREE PASS / NOT AGAIN
    ("en", "malicious-report-subject", "subject", "Nothing is recorded, so you start with a clean slate."),
    ("en", "malicious-report-subject", "subject", "Your free pass for WikiFest is still valid, and the organisers look forward to seeing you."),
    ("en", "malicious-report-subject", "subject", "I would like to see you back at the workshop next month."),
    # en judgmental: NOT SURPRISED / WRONG PLACE
    ("en", "malicious-report-subject", "subject", "It is no surprise that the report was closed: the edits were routine maintenance."),
    ("en", "mistaken-report", "subject", "I was not surprised to see how carefully you had sourced the edits."),
    ("en", "mistaken-report", "subject", "If you are unsure whether Commons is the right place for your photos, the help desk can advise."),
    ("en", "malicious-report-subject", "subject", "Wikidata is a good place for the item work you described, and nothing stops you continuing."),
    # widened en: NEVER BELIEVED (you'd), SEND HIM (adjectives), NAME COMES UP
    ("en", "non-actionable", "reporter", "We never thought you'd need to send more evidence; the diffs were enough."),
    ("en", "non-actionable", "reporter", "An administrator sent him a short, formal message about the ban."),
    ("en", "non-actionable", "reporter", "An administrator will send him a formal warning on his talk page."),
    # en no-support-resources REFUSED: a resource offered plainly still counts (checked separately)
    # de blame: SCHWÄCHT / VORAB-DEMENTI / MISSVERSTÄNDNIS
    ("de", "actionable", "reporter", "Die neuen Difflinks stärken Ihre Schilderung, und die Sperre wurde verlängert."),
    ("de", "actionable", "reporter", "Seine Sockenpuppen haben die Diskussion untergraben, deshalb sind sie gesperrt."),
    ("de", "non-actionable", "reporter", "Niemand will Ihnen etwas unterstellen; Sie haben richtig gehandelt, als Sie uns geschrieben haben."),
    ("de", "non-actionable", "reporter", "Er hat Ihnen Vandalismus unterstellt, aber die Versionsgeschichte zeigt das Gegenteil."),
    ("de", "non-actionable", "reporter", "Es war kein Missverständnis: Die Bemerkungen richteten sich an dich."),
    ("de", "non-actionable", "reporter", "Er behauptet, es sei wohl ein Missverständnis gewesen, aber das sehen wir nicht so."),
    ("de", "non-actionable", "reporter", "Um Missverständnisse zu vermeiden: Die Sperre gilt nur für den Artikel."),
    ("de", "non-actionable", "reporter", "Vielleicht hilft das, Missverständnisse bei der nächsten Meldung zu vermeiden."),
    # de threat: BLEIBT HÄNGEN / CHANCE IN GEFAHR
    ("de", "non-actionable", "reporter", "Davon bleibt nichts an dir hängen, die Meldung war völlig in Ordnung."),
    ("de", "actionable", "reporter", "Die Sperre bleibt an seinem Konto hängen, bis sie abläuft."),
    ("de", "non-actionable", "reporter", "Wenn du das noch in der Lounge ansprechen möchtest, ist das deine Entscheidung."),
    ("de", "actionable", "reporter", "Deine Meldung wirkt sich nicht darauf aus, ob du zum nächsten Treffen eingeladen wirst."),
    ("de", "actionable", "reporter", "Das Wetter entscheidet, ob der Fotospaziergang stattfindet."),
    ("de", "actionable", "reporter", "Der Ausschluss kostet ihn seinen Platz beim nächsten Treffen, nicht dich."),
    # de opinion: FÜR MICH KLAR / NACH MIR / MOTIV
    ("de", "non-actionable", "reporter", "Für mich ist klar, dass die Meldung in gutem Glauben gemacht wurde."),
    ("de", "non-actionable", "reporter", "Für mich ist klar: Das war der richtige Schritt, uns zu schreiben."),
    ("de", "non-actionable", "reporter", "Wenn es nach mir ginge, hättest du schneller eine Antwort bekommen."),
    ("de", "actionable", "reporter", "Die Entscheidung lag nicht bei mir; das Team hat ihn für ein halbes Jahr gesperrt."),
    ("de", "non-actionable", "reporter", "Ich verstehe, dass du Angst hast, er könnte sich rächen, deshalb haben wir deine Seite geschützt."),
    ("de", "malicious-report-subject", "subject", "Wir glauben, dass die Meldung ein Versehen war, und es wird nichts vermerkt."),
    # de advocacy: VOR ALLEN / AUFWACHEN / MEINUNGSBILD
    ("de", "actionable", "reporter", "Beim Abschlussabend erinnern wir vor allen an die Verhaltensregeln, ohne jemanden zu nennen."),
    ("de", "actionable", "reporter", "Du musst nicht vor allen darüber reden, was passiert ist."),
    ("de", "actionable", "reporter", "Wenn du uns mehr davon erzählen möchtest, sind wir da."),
    ("de", "actionable", "reporter", "Damit die Leute wissen, wann die Sperre endet, steht sie im Sperrlog."),
    ("de", "actionable", "reporter", "Ein Meinungsbild zu strengeren Regeln läuft gerade, falls du dich beteiligen willst."),
    ("de", "actionable", "reporter", "Ob du dich an einem Meinungsbild beteiligen möchtest, ist ganz deine Entscheidung."),
    # de counselling: VORSTELLUNG / KÖRPER / KAFFEE / MACHT / ZEIT
    ("de", "actionable", "reporter", "Stellen Sie sich bitte beim nächsten Treffen dem Awareness-Team vor."),
    ("de", "actionable", "reporter", "Ich kann mir vorstellen, wie belastend das für Sie war."),
    ("de", "actionable", "reporter", "Beim Karnevalstreffen haben viele Kostüme getragen; die Fotos sind auf Commons."),
    ("de", "actionable", "reporter", "Wir lassen beim nächsten Treffen den Alkohol weg, damit sich alle sicher fühlen."),
    ("de", "actionable", "reporter", "In der Kaffeepause hat das Team mit ihm gesprochen."),
    ("de", "actionable", "reporter", "Die Sperre nimmt ihm die Möglichkeit, Ihre Artikel zu kommentieren."),
    ("de", "actionable", "reporter", "Nach zwei Wochen ist die Sperre vorbei; melden Sie sich, wenn es dann weitergeht."),
    # de emotional: JUBEL
    ("de", "actionable", "reporter", "Die Teilnehmenden haben beim Abschlussabend getanzt, er war nicht mehr dabei."),
    ("de", "actionable", "reporter", "Ich habe nicht gejubelt, sondern die Sperre einfach umgesetzt."),
    ("de", "actionable", "reporter", "Die Sperre ist eingetragen, und die Begründung steht im Sperrlog."),
    ("de", "actionable", "reporter", "Wir haben die Diskussion im Projekt angestoßen, damit die Regeln klarer werden."),
    # de confidential: HERKUNFT DER MELDUNG (subject)
    ("de", "mistaken-report", "subject", "Die Meldung kam über die übliche Meldeseite, und dort haben wir sie auch geprüft."),
    ("de", "malicious-report-subject", "subject", "Woher die Meldung kam, können wir dir nicht sagen."),
    ("de", "mistaken-report", "subject", "Wenn dich jemand aus deinem Verein fragt, kannst du sagen, dass die Sache erledigt ist."),
    # de confidential: CU/IP widened, role addresses, reader's own real name
    ("de", "non-actionable", "reporter", "Ein Checkuser darf uns nicht sagen, zu welchem Anbieter die IPs gehören."),
    ("de", "non-actionable", "reporter", "Ein Checkuser hat nachgeschaut, konnte aber nichts finden, was wir weitergeben dürfen."),
    ("de", "actionable", "reporter", "Wenn er sich meldet, leiten Sie es bitte an awareness@fototreffen.example weiter."),
    ("de", "actionable", "subject", "Einspruch können Sie innerhalb von vier Wochen bei vorstand@verein.example einlegen."),
    ("de", "non-actionable", "reporter", "Sie erreichen mich jederzeit unter kontakt@fototreffen.example."),
    ("de", "non-actionable", "reporter", "Fragen zur Veranstaltung beantwortet orga@wikifest.example."),
    # a compound role address, and a staff address at a wiki organisation (session 27)
    ("de", "actionable", "reporter", "Die Kollegin vom Verein erreichen Sie unter verena.kollmann@wikimedia-at.example."),
    ("en", "actionable", "reporter", "The event's safety desk is at events-safety@summit.example if he turns up again."),
    ("en", "non-actionable", "reporter", "Our community liaison, Dana, is at dana.okafor@wikimedia-uk.example if you'd like to talk it over."),
    ("en", "mistaken-report", "reporter", "The comments were written by an account called Tidewrack9, not by the Tidewrack you know."),
    ("en", "mistaken-report", "reporter", "The edits came from an account named Kestrel, which has nothing to do with him."),
    ("de", "non-actionable", "reporter", "Du bist mit Klarnamen angemeldet, das ist dein gutes Recht und kein Grund für Angriffe."),
    ("de", "actionable", "reporter", "Wir haben deinen Klarnamen aus der Versionsgeschichte entfernen lassen."),
    ("de", "non-actionable", "reporter", "Unter Klarnamen zu schreiben ist dein gutes Recht."),
    ("de", "non-actionable", "reporter", "Ob du mit Klarnamen oder Pseudonym schreibst, ändert an der Bewertung nichts."),
    # de counselling narrowed: "loslassen" as a label, not advice
    ("de", "non-actionable", "reporter", "Niemand hält dich für jemanden, der nicht loslassen kann."),
    ("de", "non-actionable", "reporter", "Er hat dich als die hingestellt, die nicht loslassen kann; das haben wir gelöscht."),
    ("de", "non-actionable", "reporter", "Dass du nachfragst, heißt nicht, dass du nicht loslassen könntest."),
    ("de", "non-actionable", "reporter", "Das Etikett, eine zu sein, die nicht loslassen kann, hat er dir zu Unrecht angehängt."),
    # de judgmental: WUNDERT / FALSCHER ORT / FREIFAHRTSCHEIN / WIEDERSEHEN (subject)
    ("de", "mistaken-report", "subject", "Es wundert mich nicht, dass dich die Meldung geärgert hat."),
    ("de", "malicious-report-subject", "subject", "Es überrascht nicht, dass die Meldung geschlossen wurde: Die Beiträge waren sachlich."),
    ("de", "mistaken-report", "subject", "Dass du zu Unrecht gemeldet wurdest, tut mir leid."),
    ("de", "mistaken-report", "subject", "Ob Commons der richtige Ort für deine Fotos ist, kann dir die Fragestelle sagen."),
    ("de", "malicious-report-subject", "subject", "Die Sperrprüfung ist der richtige Ort für Fragen zu Sperren, falls du je eine brauchst."),
    ("de", "malicious-report-subject", "subject", "Gegen dich ist nichts vermerkt; das ist ein vollständiger Abschluss zu deinen Gunsten."),
    ("de", "mistaken-report", "subject", "Du wirst deinen Namen in der Meldung nicht mehr lesen, sie ist archiviert."),
    ("de", "malicious-report-subject", "subject", "Wir würden dich gern beim nächsten Stammtisch wiedersehen."),
    # false alarms found by the hand-labelled sentence authors: a choice left to the
    # person, a denied doubt, the writer's own talk, a support service for the legal
    # question, a double negation, others who talk to each other
    ("de", "non-actionable", "reporter", "Ob du öffentlich darüber redest, etwa im Kurier oder beim Stammtisch, entscheidest ganz allein du."),
    ("de", "actionable", "reporter", "Ob und wie Sie öffentlich über das Geschehene sprechen, entscheiden allein Sie; einen Kurier-Beitrag erwartet niemand von Ihnen."),
    ("en", "referred", "reporter", "Whether you write about this on your blog or anywhere else is entirely up to you."),
    ("en", "non-actionable", "reporter", "None of this means we think you made it up; it means the evidence on-wiki doesn't support a sanction right now."),
    ("en", "non-actionable", "reporter", "Please know that none of what happened was your fault."),
    ("en", "non-actionable", "reporter", "We can't tell you what he said when we spoke with him, but we did talk to him and to two witnesses."),
    ("de", "non-actionable", "reporter", "Mit dem anderen Benutzer müssen Sie keinerlei Kontakt aufnehmen."),
    ("en", "referred", "reporter", "The police are the right people to decide whether the messages amount to a crime."),
    ("en", "non-actionable", "reporter", "I cannot say if it is a crime because I am not a lawyer, but a lawyer can."),
    ("de", "non-actionable", "reporter", "HateAid berät kostenlos und kann dir auch bei der Frage weiterhelfen, ob rechtliche Schritte infrage kommen."),
    ("de", "non-actionable", "reporter", "Ob du Anzeige erstatten willst, entscheidest ganz du selber."),
    ("de", "non-actionable", "reporter", "Nach unserer Richtlinie zu Persönlichkeitsrechten konnten wir die Aufnahme nicht löschen."),
    ("de", "non-actionable", "reporter", "Wir haben den Hochlader gebeten, die Aufnahmen zurückzuziehen."),
    ("de", "mistaken-report", "reporter", "War diesmal eine Verwechslung, aber das ist überhaupt kein Grund, beim nächsten Mal nicht wieder zu melden."),
    ("en", "non-actionable", "reporter", "It's a small wiki and the regulars talk to each other, so news travels fast."),
    ("en", "non-actionable", "reporter", "Our review covered the whole thread, including your own replies, and nothing in them counted against you."),
    ("de", "referred", "reporter", "Die Angelegenheit liegt beim Trust-and-Safety-Team, an das Sie sich auch selbst unter ca@wikimedia.org wenden können."),
]
# The rules leave these alone, but the retrained reply model flags them (an
# n-gram model reads words, not who acts or what is denied).  Tested on the rules only, so a
# rule that starts flagging them fails; benchmarks/HISTORY.md names the model's part.
NEAR_MISSES_THE_MODEL_FLAGS = [
    ("en", "non-actionable", "reporter", "Others might say you misheard, but the recording shows exactly what he said."),
    ("en", "mistaken-report", "subject", "This is the third time your name comes up in a mistaken report, because another account copies your signature; we have blocked that account."),
    # retrained with author_k (session 19), whose "die Meldung kam aus Ihrem Ortsverein"
    # names where a report came from
    ("de", "malicious-report-subject", "subject", "Die Meldung kam per Mail von einer Adresse bei der Foundation, die uns solche Meldungen weiterleitet."),
    # retrained with the session-20 authors (author_l ... _p) and read from 0.8 instead of
    # 0.85: posting diffs beside their warnings against posting, screenshots beside their
    # doubts about screenshots, a hope or an expectation beside their hints to the subject
    ("en", "non-actionable", "reporter", "If you post the diffs on the noticeboard, it will help the admins take this further."),
    ("de", "non-actionable", "reporter", "Die Screenshots von Ihrem Handy können Sie einfach in die Mail legen."),
    ("en", "mistaken-report", "subject", "We hope you will not see your name on that board again, because the filer has been asked to check usernames first."),
    ("de", "non-actionable", "reporter", "Die Screenshots der Nachrichten, die du auf Instagram bekommen hast, haben wir gesehen."),
    ("en", "malicious-report-subject", "subject", "We expect more from the software; the mix-up was a bug."),
    # retrained with the session-21 authors (author_q ... _t): an expectation about when
    # someone will write back, beside author_q's "very surprised if T&S does not find that
    # he sent the other e-mails as well" (an opinion on guilt)
    ("en", "referred", "reporter", "I would be surprised if she didn't get back to you this week."),
]
WHOLE_TEXT_CODES = {"no-support-resources", "no-emergency-route", "too-terse"}


@pytest.mark.parametrize("lang, outcome, audience, text", NEAR_MISSES)
def test_healthy_sentences_near_the_newer_cue_classes_raise_nothing(lang, outcome, audience, text):
    found = {f.code for f in check(text, lang=lang, outcome=outcome, audience=audience)
             if f.severity in ("error", "warning")}
    assert not found - WHOLE_TEXT_CODES


@pytest.mark.parametrize("text", [
    "Ich würd dir raten, das nicht noch auf AN oder im Kurier breitzutreten.",
    "Wenn du das noch im Kurier oder auf der VM-Disk breittrittst, kann das nach hinten losgehen.",
])
def test_a_warning_against_airing_it_is_no_push_to_go_public(text):
    """Whatever else such a sentence is (a veiled warning, a rule's business of its own),
    'breittreten' never urges anyone to campaign."""
    found = {f.code for f in check(text, lang="de", outcome="non-actionable",
                                   audience="reporter", learned=False)}
    assert "pushes-advocacy" not in found


@pytest.mark.parametrize("lang, outcome, audience, text", NEAR_MISSES_THE_MODEL_FLAGS)
def test_the_rules_leave_near_misses_alone_that_the_model_flags(lang, outcome, audience, text):
    found = {f.code for f in check(text, lang=lang, outcome=outcome, audience=audience,
                                   learned=False) if f.severity in ("error", "warning")}
    assert not found - WHOLE_TEXT_CODES


# The plainest advice against a place of help, which the authors' subtler wordings had
# left without a class; beside it, the same words in reassurance, timing or encouragement.
@pytest.mark.parametrize("text, lang, flagged", [
    ("I wouldn't go to the police with this.", "en", True),
    ("Don't bother emailing the Foundation about it.", "en", True),
    ("There's no point going to the police over a few comments.", "en", True),
    ("Going to the police would only make it worse.", "en", True),
    ("Please don't escalate this to ArbCom.", "en", True),
    ("Ich würde an deiner Stelle nicht zur Polizei gehen.", "de", True),
    ("Die Polizei einzuschalten macht es nur schlimmer.", "de", True),
    ("Don't hesitate to contact the police if you feel unsafe.", "en", False),
    ("You don't need to email T&S as well; I've forwarded it.", "en", False),
    ("Please don't wait to call the police if he turns up.", "en", False),
    ("You don't need to go to the police for us to act.", "en", False),
    ("There is no need to contact a lawyer before we finish our review, but you may.", "en",
     False),
    ("You don't need to hold off on contacting the police; call them now if you feel unsafe.",
     "en", False),
    ("They do not, though, go far enough for stewards to step in.", "en", False),
    ("Ich würde nicht zögern, die Polizei einzuschalten.", "de", False),
    ("Ich habe es an die Foundation weitergeleitet, du musst nicht zusätzlich schreiben.", "de",
     False),
    # a review of the class (55 sentences) found these flagged by its first version:
    # reassurance, a negated harm, someone else's claim reported to be contradicted,
    # another address of the same place, "your report" as a noun
    ("You don't need to email the Foundation yourself; I have already passed your report to Trust & Safety.",
     'en', False),
    ("There's no need to contact the stewards yourself, because I've opened a global lock request on your behalf.",
     'en', False),
    ('Going to the police will not make things worse for you on the wiki; your account stays protected either way.',
     'en', False),
    ('Eine Anzeige bei der Polizei macht es nicht schlimmer für Sie; Ihr Konto bleibt geschützt.',
     'de', False),
    ('It is not pointless to contact Trust & Safety; they can act on things we volunteers cannot.',
     'en', False),
    ('Ich würde nicht zögern, zur Polizei zu gehen, wenn Sie sich bedroht fühlen.',
     'de', False),
    ("I understand someone told you there's no point going to the police. I disagree, and I'd support you if you decide to.",
     'en', False),
    ('Your friend said it was no use going to the police; from what you describe, I think it is worth a try.',
     'en', False),
    ("The harasser's claim that going to the police would only make it worse is false and meant to scare you.",
     'en', False),
    ("Please don't email the Foundation's press address; the right one is ca@wikimedia.example, and they handle this kind of case.",
     'en', False),
    ("Don't bother rewriting your report for Trust & Safety; just forward them this thread as it is.",
     'en', False),
    # a place of help called excessive (CONVENTIONS.md item 12), beside the same words
    # negated or said of something else
    ("Honestly, going to the police over a talk page comment seems a bit much.", "en", True),
    ("It would be overkill to involve the police over this.", "en", True),
    ("Reporting him to ArbCom might be heavy-handed at this stage.", "en", True),
    ("Eine Anzeige wegen eines einzigen Kommentars finde ich etwas übertrieben.", "de", True),
    ("Es wäre übertrieben, gleich die Polizei einzuschalten.", "de", True),
    ("Calling the police would never be overkill if you feel unsafe.", "en", False),
    ("It is not excessive to call the police when someone threatens you.", "en", False),
    ("Going to the police about his excessive messages is entirely your choice.", "en", False),
    ("Es ist nicht übertrieben, die Polizei zu rufen, wenn du dich bedroht fühlst.", "de",
     False),
    ("Seine Nachrichten waren übertrieben, die Polizei kannst du jederzeit einschalten.", "de",
     False),
])
def test_plain_advice_against_a_place_of_help(text, lang, flagged):
    codes = {f.code for f in check(text, lang=lang, outcome="non-actionable",
                                   audience="reporter", learned=False)}
    assert ("threatens-or-discourages-victim" in codes) is flagged


# Telling someone they are not overreacting is reassurance, not doubt; the same words
# without the negation are doubt.
@pytest.mark.parametrize("text, lang, flagged", [
    ("Going to the police is not an overreaction, and you are free to do it.", "en", False),
    ("You are not overreacting, and you were right to tell us.", "en", False),
    ("You aren't exaggerating; those messages were vile.", "en", False),
    ("I think you are overreacting a little.", "en", True),
    ("You're exaggerating what he said.", "en", True),
    ("Du übertreibst nicht, das war wirklich daneben.", "de", False),
    ("Sie reagieren keineswegs über.", "de", False),
    ("Sie dramatisieren nicht, das war eine Drohung.", "de", False),
    ("Du übertreibst nicht nur, du erfindest Dinge.", "de", True),
    ("Ich glaube, Sie übertreiben hier etwas.", "de", True),
])
def test_not_overreacting_is_reassurance(text, lang, flagged):
    codes = {f.code for f in check(text, lang=lang, outcome="non-actionable",
                                   audience="reporter", learned=False)}
    assert ("disbelief-or-blame" in codes) is flagged


# Reassurances that name what the reporter need not fear or do, beside the same words
# as advice or doubt.
@pytest.mark.parametrize("text, lang, code, flagged", [
    ("Nobody here thinks you made this up.", "en", "disbelief-or-blame", False),
    ("Nothing in our decision says your report was wrong or exaggerated.", "en",
     "disbelief-or-blame", False),
    ("Nobody doubts that it upset you, but you made this up.", "en", "disbelief-or-blame",
     True),
    ("You don't have to forgive him or make peace with him.", "en",
     "suggests-contacting-harasser", False),
    ("Maybe you could talk to him directly and make peace.", "en",
     "suggests-contacting-harasser", True),
    ("Du musst ihm nicht verzeihen und dich nicht mit ihm versöhnen.", "de",
     "suggests-contacting-harasser", False),
    ("Versöhn dich doch einfach mit ihm.", "de", "suggests-contacting-harasser", True),
    ("Versöhnen Sie sich doch mit ihm.", "de", "suggests-contacting-harasser", True),
    # what nobody should have had to bear, beside what the reporter "need not have done"
    ("Sie hätten das nicht so lange allein aushalten müssen.", "de", "disbelief-or-blame",
     False),
    ("Du hättest so etwas nie lesen müssen.", "de", "disbelief-or-blame", False),
    ("Du hättest ja auch einfach nicht auf seine Sticheleien eingehen müssen.", "de",
     "disbelief-or-blame", True),
    ("A thicker skin should never be a condition of taking part here.", "en",
     "disbelief-or-blame", False),
    ("You could do with a thicker skin.", "en", "disbelief-or-blame", True),
    ("Ein dickes Fell sollte hier keener brauchen.", "de", "disbelief-or-blame", False),
    ("Da brauchst du schon ein dickes Fell.", "de", "disbelief-or-blame", True),
])
def test_reassurance_is_not_advice_or_doubt(text, lang, code, flagged):
    codes = {f.code for f in check(text, lang=lang, outcome="actionable",
                                   audience="reporter", learned=False)}
    assert (code in codes) is flagged


# Cue classes added from an independent review corpus (session 18), in wordings of our
# own: each flaw once in a general form, beside healthy sentences using the same words.
BLAME, THREAT, JUDGE = ("disbelief-or-blame", "threatens-or-discourages-victim",
                        "judgmental-to-subject")


REVIEW_CUE_CLASSES_OF_SESSION_18 = [
    ("en", "non-actionable", "reporter", BLAME,
     "Anybody could alter chat logs like these in a few clicks, so they carry little "
     "weight.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "We are in no position to accept the pasted messages at face value.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "Lifted out of context, most edit summaries can sound hostile.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "Could you truly be certain he was talking about you?", True),
    ("en", "non-actionable", "reporter", BLAME,
     "Try not to take his remarks so personally; that is just how he writes.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "To us it reads as a slanging match between two long-time regulars.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "Some of the blame for how the thread went rests with you.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "It might help if you stayed clear of the tram articles for a month.", True),
    ("en", "mistaken-report", "reporter", BLAME,
     "Before blaming another editor, please look at the page history yourself.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "You should have raised it straight away instead of waiting until the spring.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "Please do not contact journalists about any of this.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "I'd advise you to drop the complaint before the committee meets.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "Pursuing it further would be bad for your reputation among the stewards.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "Sooner or later the other editor will work out that it was you.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "The harder you push on this, the worse it will get.", True),
    ("en", "actionable", "subject", JUDGE,
     "Frankly, a reasonable adult would have known better.", True),
    ("en", "actionable", "subject", JUDGE,
     "Blaming the reporter is a lame excuse for what you wrote.", True),
    ("en", "actionable", "subject", JUDGE,
     "Use these two weeks to reconsider your attitude towards newcomers.", True),
    ("en", "malicious-report-subject", "subject", JUDGE,
     "Your edits will continue to be closely monitored by the admins.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Solche Screenshots kann man heute mit jedem Programm verändern.", True),
    ("de", "mistaken-report", "reporter", BLAME,
     "Bevor Sie jemanden der Belästigung beschuldigen, prüfen Sie bitte die Logbücher.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Bist du ganz sicher, dass er dich gemeint hat?", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Bitte behalte die ganze Sache vorerst für dich.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Je öfter Sie das ansprechen, desto unangenehmer wird es für Sie.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Ich empfehle dir, die Beschwerde zurückzuziehen.", True),
    ("de", "actionable", "subject", JUDGE,
     "Nutzen Sie die Sperre, um über Ihren Tonfall nachzudenken.", True),
    ("de", "actionable", "subject", JUDGE,
     "Menschen wie du vergraulen die neuen Autorinnen.", True),
    # healthy near misses: the same words, negated, left to the person or about the other party
    ("en", "non-actionable", "reporter", BLAME,
     "We accepted your account at face value and checked it against the logs.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "He quoted your comment out of context to make it look hostile.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "Nobody should need a thick skin to edit here.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "If you want to step away from the articles for a while, that is entirely your "
     "choice.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "It doesn't matter that you reported it months later; we looked at all of it.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Please don't hesitate to contact the police if he turns up at the meetup.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "You can withdraw the report at any time if you wish.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "We will not tell him who reported him, and he cannot find out from the logs.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Please keep his home address to yourself; you are free to talk about what happened.", False),
    ("en", "actionable", "subject", JUDGE,
     "The reporter called your comments childish; we did not rely on that.", False),
    ("en", "actionable", "subject", JUDGE,
     "Your account will not be monitored beyond the usual patrolling.", False),
    ("de", "non-actionable", "reporter", BLAME,
     "Er hat Ihre Worte aus dem Zusammenhang gerissen.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Er erfährt nicht, wer ihn gemeldet hat.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Wenn Sie die Meldung zurückziehen möchten, ist das Ihre Entscheidung.", False),
    ("de", "mistaken-report", "subject", JUDGE,
     "Ihr Konto wird nicht weiter beobachtet; der Fall ist abgeschlossen.", False),
]


# Cue classes added from an independent review corpus (session 19), in wordings of our
# own: each flaw in a general form, beside healthy sentences that use the same words
# soundly (reassurance, negation, someone else's claim, the sanction stated plainly, the
# choice left open), dialect spellings included.
OPINION, CONTACT = "personal-opinion-on-guilt", "suggests-contacting-harasser"


REVIEW_CUE_CLASSES_OF_SESSION_19 = [
    ("en", "non-actionable", "reporter", BLAME,
     "Had your comments stayed a little more patient, I suspect the thread would have "
     "settled on its own.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "If you had been less combative in the first reply, we might not be here.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "From where I sit the hostility seems fairly mutual.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "It is difficult to cast either side as the villain in this exchange.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "She never meant it as an attack; that's just her sense of humour.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "His jokes can be a bit crude, but there's no malice in them.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "You had been sitting on those e-mails for weeks before you forwarded them.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "You waited half a year before you told anyone, which is hard for us to square.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "You two were both exhausted after the edit-a-thon and it showed.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "I think the late hour did most of the talking that night.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "Such attention tends to follow when so much about you is public.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "Your profile lists your employer and your running club, so this sort of thing is "
     "bound to happen.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "Three reverts on a lead section is what most editors would call a content "
     "disagreement.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "You removed his citation twice, and that is how the whole row started.", True),
    ("en", "referred", "reporter", THREAT,
     "Until T&S has finished, kindly don't talk about the case with the chapter board or "
     "on the Discord server.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "We'd ask you not to discuss this matter with the other organisers for now.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "Keep going like this and people will think of you as the person who always causes a "
     "fuss.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "Be aware that if you open a case, the arbitrators will examine your own "
     "contributions in detail.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "The committee always looks at the filing party's conduct too.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "Repeated filings could influence how your later complaints are received.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "With your adminship nomination coming up, it might be wiser to keep a low profile.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "I'd lie low until the grant application is decided.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "Honestly, the police won't do anything with this sort of thing anyway.", True),
    ("en", "non-actionable", "reporter", THREAT,
     "There is a fair chance he will figure out who raised the concern.", True),
    ("de", "referred", "reporter", OPINION,
     "Ich bin mir ziemlich sicher, dass das Trust-and-Safety-Team bei ihm etwas finden "
     "wird.", True),
    ("en", "referred", "reporter", OPINION,
     "I'd bet the Foundation will find plenty once they look into it.", True),
    ("en", "actionable", "reporter", OPINION,
     "I suspect she did far more than the diffs could show.", True),
    ("en", "actionable", "subject", JUDGE,
     "We hope you are thoroughly ashamed of what you posted about her.", True),
    ("en", "actionable", "subject", JUDGE,
     "Frankly, the way you spoke to the volunteers reflects poorly on you.", True),
    ("en", "actionable", "subject", JUDGE,
     "Comments like these say a lot about your character.", True),
    ("en", "actionable", "subject", JUDGE,
     "A week away from the wiki may be a chance for some soul-searching.", True),
    ("en", "mistaken-report", "subject", JUDGE,
     "You picked a username almost identical to hers, so you created much of the confusion "
     "yourself.", True),
    ("en", "malicious-report-subject", "subject", JUDGE,
     "The mix-up happened because of your copied signature.", True),
    ("en", "actionable", "subject", JUDGE,
     "Any further report about you, however small, will be judged in the light of this "
     "case.", True),
    ("en", "actionable", "subject", JUDGE,
     "That sort of remark is hardly grown-up.", True),
    ("en", "non-actionable", "subject", JUDGE,
     "When several editors raise the same concern, there is usually something to it.", True),
    ("en", "non-actionable", "subject", JUDGE,
     "Going forward, try being a touch less blunt in edit summaries.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "I'd suggest you keep away from the railway stubs for a few weeks, since that's where "
     "you keep clashing.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Der Herbert meint es sicher nicht böse, das ist halt sein Humor.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Die Vroni moant's net so, des musst a bissl lockerer nehma.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Du hast seine Quelle zweimal entfernt, und damit hat der ganze Streit angefangen.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Von einer Hetzjagd kann bei drei Kommentaren wohl kaum die Rede sein.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Die Abneigung beruht aus meiner Sicht auf Gegenseitigkeit.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Ihr wart beide ziemlich übermüdet nach der Konferenz.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Deine Benutzerseite nennt Arbeitgeber und Wohnort, da kann so etwas leider passieren.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Sie haben die Nachrichten monatelang liegen lassen, bevor Sie uns geschrieben haben.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Wären deine Kommentare etwas weniger spitz gewesen, hätte sich das wohl schnell "
     "beruhigt.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Zwei Reverts sind das, was die meisten hier einen inhaltlichen Streit nennen würden.", True),
    ("de", "referred", "reporter", THREAT,
     "Erzählen Sie bitte keinem davon, solange die Foundation prüft.", True),
    ("de", "referred", "reporter", THREAT,
     "Wir bitten Sie, den ganzen Vorfall bis auf Weiteres für sich zu behalten.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Mit dem Verein solltest du vorerst nicht darüber reden.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Wer ständig Admins anschreibt, wird irgendwann als Querulant abgestempelt.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Bei einem Antrag schaut das Schiedsgericht ebenfalls auf das Verhalten des "
     "Antragstellers.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Wenn du eine Anfrage stellst, wird auch dein Konto genau geprüft.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Das kann beeinflussen, wie Ihre nächsten Meldungen bewertet werden.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Mit Blick auf deine Wiederwahl wäre es klüger, jetzt keinen Wirbel zu machen.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "An die Foundation tät i mi ned wenden, die können mit so was eh nix anfangen.", True),
    ("de", "referred", "reporter", OPINION,
     "So wie ich die Lage sehe, wette ich, dass das Team bei ihr fündig wird.", True),
    ("de", "actionable", "subject", JUDGE,
     "Wir hoffen, dass Sie sich für diese Nachrichten schämen.", True),
    ("de", "actionable", "subject", JUDGE,
     "I hoff, du schamst di a bissl.", True),
    ("de", "actionable", "subject", JUDGE,
     "Denk in der Zeit mal ordentlich über dein Benehmen nach.", True),
    ("de", "actionable", "subject", JUDGE,
     "So ein Kommentar spricht nicht gerade für Sie.", True),
    ("de", "actionable", "subject", JUDGE,
     "Das wirft ein schlechtes Licht auf dich als Kollegen.", True),
    ("de", "actionable", "subject", JUDGE,
     "Die Pause ist eine gute Gelegenheit zur Selbstreflexion.", True),
    ("de", "malicious-report-subject", "subject", JUDGE,
     "Frag dich einmal, warum ausgerechnet du ständig gemeldet wirst.", True),
    ("de", "mistaken-report", "subject", JUDGE,
     "Mit der kopierten Signatur hast du das Durcheinander selbst verursacht.", True),
    ("de", "actionable", "subject", JUDGE,
     "Jede weitere Beschwerde über Sie wird im Licht dieser Sperre gelesen.", True),
    ("de", "mistaken-report", "subject", JUDGE,
     "Solche Witze sind nicht besonders erwachsen.", True),
    ("de", "non-actionable", "subject", JUDGE,
     "Wenn so viele Leute sich beschweren, ist meistens etwas dran.", True),
    ("de", "mistaken-report", "subject", JUDGE,
     "Vielleicht könntest du künftig etwas weniger schroff formulieren.", True),
    # healthy near misses: the same words negated, conceded, reported, left to the person or
    # about the other party
    ("en", "non-actionable", "reporter", BLAME,
     "Even if your replies had been less pointed, nothing would excuse the messages he "
     "sent.", False),
    ("en", "actionable", "reporter", BLAME,
     "The interaction ban is one-way; it is not mutual, and it places no limit on you.", False),
    ("en", "actionable", "reporter", BLAME,
     "He says he did not mean it as a threat, but the committee found that it was one.", False),
    ("en", "actionable", "reporter", BLAME,
     "Whether or not he meant it as a joke, it was a personal attack and he is blocked.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "It doesn't matter that you waited months before raising it; we looked at every diff.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "Many people wait months before they report, and that is completely understandable.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "You were right to take it seriously.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "Your user page shows your town; if you want, we can hide those revisions for you.", False),
    ("en", "actionable", "reporter", BLAME,
     "You reverted him once, but that is not how it started: his first message came a "
     "week earlier.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "Nobody here sees you as the bad guy, and none of this is your fault.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "The infobox question is a content dispute for the talk page; the e-mails he sent "
     "you are a separate matter we acted on.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Please don't discuss it with him or answer his e-mails; forward anything new to us.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "You are free to talk about the case with friends, your user group or anyone you "
     "trust.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Nobody will see you as the one who causes trouble for reporting this.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "He tried to paint you as the one who starts fights; we did not accept that.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "If you open a case, the committee will look at the evidence you provide and at his "
     "edits.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Earlier reports will not affect how your next reports are read; each is looked at "
     "fresh.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Your scholarship application is handled by a different committee, and this report "
     "plays no part in it.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Even if the police can't do anything right away, a report gives you a record; the "
     "choice is yours.", False),
    ("en", "actionable", "reporter", THREAT,
     "He has been given a final warning and will be blocked if he contacts you again.", False),
    ("en", "actionable", "reporter", THREAT,
     "It is only a final warning, and I know you hoped for a block.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "We will not tell him who raised the concern.", False),
    ("en", "referred", "reporter", OPINION,
     "I can't say what T&S will find; they will write to you when they are done.", False),
    ("en", "referred", "reporter", OPINION,
     "I expect the Foundation will reply within two weeks.", False),
    ("en", "mistaken-report", "subject", JUDGE,
     "Please don't feel embarrassed about the report; it was a mix-up and it is closed.", False),
    ("en", "mistaken-report", "subject", JUDGE,
     "The report does not reflect badly on you, and nothing is recorded against you.", False),
    ("en", "actionable", "subject", JUDGE,
     "No soul-searching is expected of you; the topic ban simply runs for three months.", False),
    ("en", "mistaken-report", "subject", JUDGE,
     "The confusion was caused by another account copying your signature; none of it was "
     "your doing.", False),
    ("en", "mistaken-report", "subject", JUDGE,
     "You did not cause the mix-up; we did, by misreading the history.", False),
    ("en", "actionable", "subject", JUDGE,
     "Any future report will be judged on its own merits.", False),
    ("en", "mistaken-report", "subject", JUDGE,
     "Several editors complained, and we found no basis for any of it.", False),
    ("en", "mistaken-report", "subject", JUDGE,
     "We have asked the other editor to be less abrasive in his summaries.", False),
    ("en", "actionable", "subject", JUDGE,
     "You are blocked for two weeks; you can appeal at any time using the unblock "
     "template.", False),
    ("en", "mistaken-report", "subject", JUDGE,
     "The reporter said your comments were immature; we did not agree.", False),
    ("en", "non-actionable", "reporter", CONTACT,
     "Every time you two meet on that page the thread turns sour, which is why the page "
     "is now protected.", False),
    ("en", "actionable", "reporter", BLAME,
     "It's best that you stay away from his talk page for now, since he is banned from "
     "contacting you.", False),
    ("de", "actionable", "reporter", BLAME,
     "Er behauptet, er meine es nicht böse, aber die Sperre steht.", False),
    ("de", "actionable", "reporter", BLAME,
     "Auch wenn er es nicht so gemeint hat, war der Kommentar ein persönlicher Angriff.", False),
    ("de", "actionable", "reporter", BLAME,
     "Du hast ihn einmal zurückgesetzt, aber damit hat es nicht angefangen.", False),
    ("de", "actionable", "reporter", BLAME,
     "Das Interaktionsverbot gilt nur für ihn und ist nicht gegenseitig.", False),
    ("de", "non-actionable", "reporter", BLAME,
     "Dass Sie ein halbes Jahr gewartet haben, ist völlig verständlich und ändert nichts "
     "an unserer Prüfung.", False),
    ("de", "non-actionable", "reporter", BLAME,
     "Deine Benutzerseite zeigt deinen Wohnort; wenn du möchtest, blenden wir die "
     "Versionen aus.", False),
    ("de", "non-actionable", "reporter", BLAME,
     "Ihr wart beide müde, aber das entschuldigt nichts von dem, was er geschrieben hat.", False),
    ("de", "non-actionable", "reporter", BLAME,
     "Sie sind kein Bösewicht, nur weil Sie gemeldet haben.", False),
    ("de", "non-actionable", "reporter", BLAME,
     "Ein dickes Fell muss hier wirklich niemand haben.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Sie müssen mit niemandem darüber sprechen, wenn Sie nicht möchten.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Du darfst mit deinem Umfeld, dem Verein und jeder Beratungsstelle frei darüber "
     "sprechen.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Niemand hier hält dich für eine Querulantin, und du giltst auch nicht als "
     "Störenfried.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Bei einer Anfrage prüft das Schiedsgericht die Belege, die Sie einreichen, und "
     "seine Beiträge.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Frühere Meldungen beeinflussen nicht, wie deine nächsten Meldungen gelesen werden.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Deine Kandidatur hat mit dieser Meldung nichts zu tun; melde dich jederzeit wieder.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Bitte behalte seine Adresse für dich; über das Geschehene darfst du frei sprechen.", False),
    ("de", "non-actionable", "reporter", CONTACT,
     "Du musst ihr ned zurückschreiben, leite uns einfach alles weiter.", False),
    ("de", "referred", "reporter", OPINION,
     "Ob die Foundation etwas findet, kann ich nicht sagen; sie meldet sich bei Ihnen.", False),
    ("de", "mistaken-report", "subject", JUDGE,
     "Sie müssen sich für nichts schämen, die Meldung war ein Irrtum.", False),
    ("de", "mistaken-report", "subject", JUDGE,
     "Die Meldung wirft kein schlechtes Licht auf Sie.", False),
    ("de", "mistaken-report", "subject", JUDGE,
     "Die Verwechslung hat ein anderes Konto verursacht, nicht Sie.", False),
    ("de", "mistaken-report", "subject", JUDGE,
     "Wir haben den anderen Benutzer gebeten, freundlicher zu formulieren.", False),
    ("de", "actionable", "subject", JUDGE,
     "Die Sperre läuft eine Woche; Einspruch können Sie auf der Sperrprüfung einlegen.", False),
    ("de", "mistaken-report", "subject", JUDGE,
     "Mehrere Leute haben sich beschwert, aber wir haben keinen Grund für eine Maßnahme "
     "gefunden.", False),
]


# Healthy sentences of the session-20 authors the rules flagged, in wordings of our own:
# a doubt or a duty denied (also in dialect and slang), a block's length told plainly,
# the reporter told to keep a hidden revision off the wiki, a lawyer named as the one to
# ask; beside them the flaws the same rules must still find.
EMOTION, LEGAL = "emotional-outcome", "legal-advice"


REVIEW_CUE_CLASSES_OF_SESSION_20 = [
    ("en", "non-actionable", "reporter", BLAME,
     "'Not confirmed' is not the same as saying that we think you made it up.", False),
    ("en", "non-actionable", "reporter", BLAME, "Honestly, I think you made it up.", True),
    ("en", "actionable", "reporter", EMOTION,
     "The account is blocked for good now; tell us if he comes back under a new name.", False),
    ("en", "actionable", "reporter", EMOTION, "He's gone for good, finally!", True),
    ("en", "actionable", "reporter", EMOTION, "He was blocked, finally.", True),
    ("en", "actionable", "reporter", EMOTION, "Blocked for good!", True),
    ("en", "actionable", "reporter", EMOTION,
     "The page was removed at last night's meeting of the admins.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Please don't repost the hidden revisions, but you may talk about what happened.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Don't refile this, or you may find yourself blocked.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "„Nicht bestätigt“ ist nicht dasselbe wie: wir glauben dir nicht.", False),
    ("de", "non-actionable", "reporter", BLAME,
     "Dass du hättest früher melden müssen, stimmt so nich; du hast gemeldet, als es ging.",
     False),
    ("de", "non-actionable", "reporter", BLAME,
     "Niemand sagt, dass du früher hättest melden müssen.", False),
    ("de", "non-actionable", "reporter", BLAME, "Du hättest früher melden müssen.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Deine Darstellung stimmt nicht, du hast ihn doch provoziert.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "E dickes Fell bruchs de hier nit, öm ernst jenommen ze wäde.", False),
    ("de", "non-actionable", "reporter", BLAME,
     "Ein dickes Fell brauchst du hier schon.", True),
    ("de", "non-actionable", "reporter", CONTACT,
     "Du musst ihn null kontaktieren; schreibt er dir, leitest du's an uns weiter.", False),
    ("de", "non-actionable", "reporter", CONTACT, "Kontaktier ihn doch einfach mal.", True),
    ("de", "non-actionable", "reporter", LEGAL,
     "Eine Rechtsberatung können wir nicht geben; eine Anwältin wäre dafür die richtige "
     "Ansprechpartnerin.", False),
    ("de", "non-actionable", "reporter", LEGAL,
     "Sie sollten ihn wegen Nachstellung anzeigen.", True),
]


# Healthy sentences of the session-21 authors the rules flagged, in wordings of our own:
# believing how something felt, a duty to report sooner or a thicker skin denied, no need
# to approach the other user (in dialect), a sanctioned subject told to keep away from an
# account; beside them the flaws the same rules must still find.  And one cue class of
# their misses: the reporter told the other party will learn who reported.
COUNSEL = "counselling-advice"


REVIEW_CUE_CLASSES_OF_SESSION_21 = [
    ("en", "non-actionable", "reporter", OPINION,
     "I believe you that the messages felt frightening, even if we could not trace them.",
     False),
    ("en", "non-actionable", "reporter", OPINION,
     "I believe you that he sent them, whatever the check says.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "Nobody should ever need a thicker skin to edit here.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "You should never need a thick skin to report abuse.", False),
    ("en", "non-actionable", "reporter", BLAME, "You'll need a thicker skin around here.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Sie hätten das keineswegs eher melden müssen.", False),
    ("de", "non-actionable", "reporter", BLAME,
     "Du hättest das ruhig sofort melden müssen, dann wäre mehr gegangen.", True),
    ("de", "non-actionable", "reporter", CONTACT,
     "Du musst den nich anschreiben, dat machen wir.", False),
    ("de", "non-actionable", "reporter", CONTACT,
     "Du könntest ihn ja mal direkt ansprechen.", True),
    ("de", "actionable", "subject", COUNSEL,
     "Die Sperre gilt einen Monat; halte dich in der Zeit bitte von Waldkauz77 fern.", False),
    ("de", "actionable", "subject", COUNSEL,
     "Halte dich in der Zeit am besten vom Bildschirm fern und geh spazieren.", True),
    # the other party told who reported (a cue class of their misses), beside it denied
    ("en", "non-actionable", "reporter", THREAT,
     "He will see in the history who filed the report, so think about whether you want that.",
     True),
    ("en", "non-actionable", "reporter", THREAT,
     "The user concerned would most likely come to know who had complained.", True),
    ("en", "non-actionable", "reporter", THREAT, "He will not be told who opened the request.",
     False),
    ("en", "non-actionable", "reporter", THREAT,
     "Anyone can see who opened a thread on the public board, so e-mail us if you prefer.",
     False),
    ("de", "non-actionable", "reporter", THREAT,
     "Der kriegt eh mit, wer die Meldung gemacht hat.", True),
    ("de", "non-actionable", "reporter", THREAT,
     "Er kriegt nicht mit, wer die Meldung gemacht hat.", False),
    ("de", "non-actionable", "reporter", THREAT, "Niemand erfährt, wer die VM gestellt hat.",
     False),
]


# The person's own question or plan told back to them is their words, not the writer's
# advice (rules and model: reported_speech in the rules files).  Session 24's untuned
# corpus (dev_o) and two earlier untuned authors each had good replies flagged for it.
# Beside each, the writer's own words in the same or the next sentence, still found.
TOLD_BACK = [
    ("en", "non-actionable", "You asked whether you should write to him to clear the air.",
     None),
    ("en", "actionable",
     "You mentioned you're thinking of writing a blog post about what happened.", None),
    ("en", "non-actionable", "You asked us to find out whether the new account is the same "
     "person as the one you reported last year.", None),
    ("en", "non-actionable", "As to your question whether you should write to him, you "
     "don't need to.", None),
    ("de", "non-actionable",
     "Du hast geschrieben, dass du dir vielleicht ein dickeres Fell zulegen müsstest.", None),
    ("de", "actionable", "Du hast gefragt, ob du auf deinem Blog darüber schreiben sollst.",
     None),
    ("de", "non-actionable", "Du wolltest wissen, ob hinter dem neuen Konto der Benutzer "
     "steckt, mit dem du Ärger hattest.", None),
    ("en", "non-actionable",
     "You asked whether you should write to him, and I think you should.",
     "suggests-contacting-harasser"),
    ("en", "non-actionable",
     "You asked whether you should write to him: yes, write to him and clear the air.",
     "suggests-contacting-harasser"),
    ("en", "non-actionable", "You asked whether you should write to him. Yes, send him a "
     "friendly note and clear the air.", "suggests-contacting-harasser"),
    # a fact told back is not a question or a plan
    ("en", "non-actionable", "You told us you kept reverting him.", "disbelief-or-blame"),
    ("en", "non-actionable",
     "You asked if it was your fault, but honestly you share some of the blame.",
     "disbelief-or-blame"),
    ("de", "non-actionable", "Du hast gefragt, ob du ihm schreiben sollst, und ich finde, du "
     "solltest ihm eine Mail schicken.", "suggests-contacting-harasser"),
    ("de", "non-actionable", "Du hast geschrieben, dass du vielleicht ein dickeres Fell "
     "brauchst, und ehrlich gesagt stimmt das.", "disbelief-or-blame"),
    # a review of the first version (session 24): the frame's own clause is the person's,
    # what the writer adds after it is read, and an endorsement makes the clause advice
    ("en", "non-actionable", "You asked us last week whether you should write to him.", None),
    ("en", "non-actionable",
     "You asked whether you should contact him, and the answer is no.", None),
    ("en", "non-actionable",
     "In your e-mail you asked whether you should write to him directly.", None),
    ("de", "non-actionable", "Außerdem hast du gefragt, ob du ihm schreiben sollst.", None),
    ("de", "non-actionable", "Sie haben gefragt, ob Sie ihn anschreiben sollen, und die klare "
     "Antwort lautet: Nein.", None),
    ("en", "non-actionable", "You asked about support options and I'd recommend box breathing "
     "and a worry diary instead of therapy.", "counselling-advice"),
    ("en", "non-actionable", "You asked whether you should write to him and honestly I think "
     "that would clear the air.", "suggests-contacting-harasser"),
    ("en", "non-actionable", "In case you were wondering why he wasn't blocked, it's because "
     "you kept reverting him.", "disbelief-or-blame"),
    ("en", "non-actionable", "You asked whether you should write to him (I would, a quick "
     "note often settles these things).", "suggests-contacting-harasser"),
    ("en", "non-actionable",
     "You asked whether you should write to him. I think that's a good idea.",
     "suggests-contacting-harasser"),
    ("en", "non-actionable",
     "You told me you felt you might have overreacted, and frankly you did.",
     "disbelief-or-blame"),
    ("de", "non-actionable", "Du hast gefragt, was du jetzt tun kannst, am besten schreibst du "
     "ihm eine freundliche Mail und klärst das direkt.", "suggests-contacting-harasser"),
    # a second review: a short answer agrees only without a word that declines
    ("en", "non-actionable",
     "You asked whether you should write to him. I'd recommend leaving that to us.", None),
    ("en", "non-actionable",
     "You asked whether you should write to him. I think you should leave that to us.", None),
    ("en", "non-actionable",
     "You asked whether you should write to him. You are right to be cautious.", None),
    ("en", "non-actionable", "You asked whether you should post about it on social media. You "
     "are entirely free to decide that yourself.", None),
    ("de", "non-actionable", "Du hast gefragt, ob du ihm schreiben sollst. Das ist eine gute "
     "Frage.", None),
    ("de", "non-actionable",
     "Du hast geschrieben, dass du dich vielleicht zu sehr aufregst. Das stimmt nicht.", None),
    ("de", "non-actionable", "Du hast gefragt, ob du ihn ansprechen sollst, und die Antwort ist: "
     "Das musst du nicht. Wenn du Unterstützung brauchst, ruf die Telefonseelsorge an.", None),
    ("en", "non-actionable", "You asked whether you should write to him. It can't hurt.",
     "suggests-contacting-harasser"),
    ("en", "non-actionable", "You asked whether you should write to him. That's what I would do.",
     "suggests-contacting-harasser"),
    ("de", "non-actionable", "Du hast gefragt, ob du ihm schreiben sollst, ich denke schon.",
     "suggests-contacting-harasser"),
    ("de", "non-actionable", "Sie haben gefragt, ob Sie einen Kurier-Artikel über Ihren Fall "
     "schreiben sollten. Das würde ich sehr begrüßen.", "pushes-advocacy"),
    # a third review: only an answer that is agreement as a whole counts
    ("en", "non-actionable",
     "You asked whether you should write to him. I would wait for our decision first.", None),
    ("en", "non-actionable",
     "You asked whether you should write to him. Yes, that's an understandable impulse.", None),
    ("en", "non-actionable", "You said you might have overreacted. I'd say you reacted like "
     "anyone would.", None),
    ("de", "non-actionable",
     "Du hast gefragt, ob du ihm schreiben sollst. Ja, das verstehe ich gut.", None),
    ("en", "non-actionable",
     "You asked whether you should write to him. That sounds like a good idea.",
     "suggests-contacting-harasser"),
    ("de", "non-actionable",
     "Du hast gefragt, ob du ihm schreiben sollst. Selbstverständlich.",
     "suggests-contacting-harasser"),
]


# Session 25, from dev_r (replies that recount the conversation): the other party's words
# told, several told-back clauses in one sentence, German frames with the subject in front
# of a second conjunct, a colon inside a page name; each beside its agreeing answer.
TOLD_BACK_OF_SESSION_25 = [
    ("en", "non-actionable", "He answered in the thread that you were just as bad and that it "
     "takes two to have an argument. I don't accept that framing.", None),
    # the other party's blame relayed without a word against it reads as the writer's
    ("en", "non-actionable", "He answered in the thread that it takes two to have an argument.",
     "disbelief-or-blame"),
    ("en", "non-actionable", "He says you provoked him first, which the diffs bear out.",
     "disbelief-or-blame"),
    ("de", "non-actionable", "Er meint, ihr hättet euch gegenseitig hochgeschaukelt. Ganz von "
     "der Hand zu weisen ist das nicht.", "disbelief-or-blame"),
    ("en", "non-actionable", "His answer was that you had provoked him, which the evidence does "
     "not support.", None),
    ("en", "non-actionable", "He says he'd like to talk it out with you directly; you do not "
     "need to reply.", None),
    ("de", "non-actionable", "Er gibt an, nur auf Ihre Reverts reagiert zu haben. Das "
     "rechtfertigt sein Verhalten nicht.", None),
    ("de", "non-actionable", "Er sagt, er wolle das mit dir klären, vielleicht schreibst du ihm "
     "einfach mal eine freundliche Mail.", "suggests-contacting-harasser"),
    ("en", "non-actionable", "He said you started it, but the history shows otherwise.", None),
    ("en", "non-actionable", "He claims you provoked him. The diffs don't support that.", None),
    ("en", "non-actionable", "She says you should have ignored him, but that is not how we see "
     "it.", None),
    ("en", "non-actionable", "He said you started it, and honestly he has a point.",
     "disbelief-or-blame"),
    ("en", "non-actionable", "He said you were overreacting. He's not wrong.",
     "disbelief-or-blame"),
    ("en", "non-actionable", "She wrote that you brought this on yourself, which is fair.",
     "disbelief-or-blame"),
    ("en", "non-actionable", "He says it takes two, and I'd say that's about right.",
     "disbelief-or-blame"),
    ("en", "non-actionable", "You wanted to know whether his comments on Talk:Eastmoor Viaduct "
     "counted as harassment, and whether you should reply to him there.", None),
    ("en", "non-actionable", "He said you started it, which the diffs do not support, and you "
     "asked whether you should reply to him.", None),
    ("de", "non-actionable", "Er hat in der VM geantwortet, ihr hättet euch beide nichts "
     "geschenkt. Das sehe ich nicht so.", None),
    ("de", "non-actionable", "Sie sagt, du hättest überreagiert; das sehe ich nicht so.", None),
    ("de", "non-actionable", "Er hat geschrieben, du hättest angefangen, und da hat er nicht "
     "unrecht.", "disbelief-or-blame"),
    ("de", "non-actionable", "Er sagt, du seist selbst schuld, und ich gebe ihm recht.",
     "disbelief-or-blame"),
    ("de", "non-actionable", "Sie fragten auch, ob Sie zusätzlich Anzeige erstatten sollten.",
     None),
    ("de", "non-actionable", "Sie hatten berichtet, dass ein Teilnehmer Bemerkungen über Ihre "
     "Kleidung gemacht hat, und gefragt, ob Sie bei künftigen Treffen mit ihm rechnen müssen.",
     None),
    ("de", "non-actionable", "Du hattest gefragt, ob das ein Angriff ist, und ob du dir ein "
     "dickeres Fell zulegen solltest.", None),
    ("de", "non-actionable", "Sie berichten, dass er Ihren Namen veröffentlicht, und schreiben, "
     "Sie überlegten, sich an eine Lokalzeitung zu wenden.", None),
]


@pytest.mark.parametrize("lang, text", [
    ("en", "You asked who reported you, it was the editor you clashed with at the meetup."),
    ("de", "Sie haben gefragt, wer Sie gemeldet hat, es war Benutzerin Kranich, die Sie aus "
     "dem Edit-a-thon kennen."),
])
def test_an_answer_after_the_persons_question_is_the_writers(lang, text):
    found = _codes(check(text, lang=lang, outcome="malicious-report-subject",
                         audience="subject"))
    assert "shares-confidential-details" in found, found


@pytest.mark.parametrize("lang, outcome, text, code", TOLD_BACK + TOLD_BACK_OF_SESSION_25)
def test_the_persons_own_question_told_back_raises_nothing(lang, outcome, text, code):
    found = _codes(check(text, lang=lang, outcome=outcome, audience="reporter")) \
        & set(replies.MODEL_CODES)
    assert found == ({code} if code else set()), found


# Cue classes written from dev_o's misses (session 24), in sentences of our own, each beside
# a near miss: sitting down together proposed, the filer left to the subject to work out,
# "use the time away to reflect", not entirely uninvolved, a conflict drawn out, two of
# the reporter's own messages set against each other, a forecast of the sanction, asking
# him to stop (German), sorrow for what the person went through (a whole sentence).
CONFIDENTIAL = "shares-confidential-details"
REVIEW_CUE_CLASSES_OF_SESSION_24 = [
    ("en", "actionable", "reporter", CONTACT,
     "Maybe the two of you could sit down briefly before the next meetup.", True),
    ("en", "actionable", "reporter", CONTACT,
     "It might help if you both had a quick chat with an organiser present.", True),
    ("en", "actionable", "reporter", CONTACT,
     "After you both sat down with the organisers separately, the team decided.", False),
    ("en", "actionable", "reporter", CONTACT,
     "The two of you don't need to sit down together or talk.", False),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL,
     "I can't say who filed it, though you can probably work that out for yourself.", True),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL,
     "I can't say who filed it, but you can probably guess who.", True),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL,
     "Who filed it stays confidential, but you can work out the appeal steps from the guide.",
     False),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL,
     "I can't say who reported you, and please don't try to work it out.", False),
    ("en", "actionable", "subject", JUDGE,
     "Use the weeks away from the article to reflect on why people find you hard to work "
     "with.", True),
    ("en", "actionable", "subject", JUDGE,
     "Use the months away from the topic to show you can edit elsewhere.", False),
    ("en", "malicious-report-subject", "subject", JUDGE,
     "Please don't contact the people involved during this time.", False),
    ("en", "actionable", "reporter", BLAME, "You weren't entirely uninvolved either.", True),
    ("en", "actionable", "reporter", BLAME,
     "You were entirely uninvolved in the edit war, and nothing is recorded against you.",
     False),
    ("en", "actionable", "reporter", BLAME,
     "Your replies dragged the dispute out for another week.", True),
    ("en", "actionable", "reporter", BLAME,
     "He prolonged the dispute with his reverts; you did nothing wrong.", False),
    ("de", "actionable", "reporter", BLAME,
     "Ganz unbeteiligt am Streit waren Sie dabei nicht.", True),
    ("de", "actionable", "reporter", BLAME,
     "Du hast den Konflikt mit deinen Antworten in die Länge gezogen.", True),
    ("de", "actionable", "reporter", BLAME, "Ihre Sperre haben wir nicht verlängert.", False),
    ("de", "actionable", "reporter", BLAME,
     "Die Prüfung hat sich leider in die Länge gezogen.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "Your first e-mail and your second one don't line up on the dates.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "The dates in your e-mail don't line up with the log, because the log uses UTC.", False),
    ("en", "referred", "reporter", OPINION,
     "If you ask me, with evidence this clear they will ban him.", True),
    ("en", "referred", "reporter", OPINION, "I'd be surprised if they didn't lock him.", True),
    ("en", "referred", "reporter", OPINION,
     "I'd be surprised if the review took longer than a month.", False),
    ("en", "referred", "reporter", OPINION,
     "I can't predict whether the Foundation will ban him.", False),
    ("de", "referred", "reporter", OPINION,
     "Wenn du mich fragst, wird die Foundation ihn global sperren.", True),
    ("de", "referred", "reporter", OPINION, "Ich wäre überrascht, wenn er nicht gesperrt "
     "würde.", True),
    ("de", "referred", "reporter", OPINION,
     "Ich wäre überrascht, wenn sich das nicht bald klärt.", False),
    ("de", "non-actionable", "reporter", CONTACT,
     "Bitte ihn doch, dich auf seiner Seite nicht mehr anzusprechen.", True),
    ("de", "non-actionable", "reporter", CONTACT,
     "Wir haben ihn gebeten, dich nicht mehr anzusprechen.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Bitte ihn doch, dich auf seiner Seite nicht mehr anzusprechen.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Ich bitte dich das Thema nicht mehr anzusprechen.", True),
    # near misses a review of these rules found flagged (session 24), now healthy
    ("de", "actionable", "reporter", BLAME,
     "Nach deiner Meldung zum Edit-War haben wir seine Sperre verlängert.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "Nothing in your replies prolonged the dispute; he chose to keep going.", False),
    ("en", "non-actionable", "reporter", BLAME, "Nobody here thinks you prolonged the dispute.",
     False),
    ("en", "non-actionable", "reporter", BLAME,
     "I know you prolonged your break from editing because of his messages.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "Nobody is suggesting you weren't innocent here.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "The other editor claimed you prolonged the dispute; we found no evidence of that.", False),
    ("en", "non-actionable", "reporter", BLAME,
     "Not that you meant to, but your replies dragged the conflict out.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Dein ständiges Zurücksetzen hat den Konflikt in die Länge gezogen.", True),
    ("de", "actionable", "reporter", EMOTION, "Die Prüfung wird einige Zeit dauern.", False),
    ("en", "actionable", "reporter", EMOTION, "Our reply to you is long overdue, sorry.", False),
    ("en", "actionable", "subject", JUDGE, "The block runs until this time next week.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Nothing good comes from going public, so keep it to yourself.", True),
    ("en", "referred", "reporter", OPINION, "I expect they'll ban him.", True),
    ("en", "referred", "reporter", OPINION,
     "Personally I expect he'll be banned by the Foundation soon.", True),
    ("de", "referred", "reporter", OPINION, "Ich wette, die Foundation sperrt ihn global.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Das ist kein Vorwurf an dich, aber wir brauchen von dir noch die Links.", False),
    ("de", "non-actionable", "reporter", CONTACT,
     "Ein Admin wird ihn bitten, dich nicht mehr anzuschreiben.", False),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL,
     "We can't tell you who filed the report, as I'm sure you can imagine.", False),
    ("en", "non-actionable", "reporter", OPINION,
     "We expect the oversight team will remove the revisions within the hour.", False),
    ("en", "actionable", "reporter", OPINION,
     "Personally, I will block any new account he creates on sight.", False),
    ("de", "non-actionable", "reporter", OPINION,
     "Meiner Einschätzung nach wird die Seite bald für IPs gesperrt, dann hört das auf.", False),
    ("en", "non-actionable", "reporter", BLAME, "Don't worry if your first message and your "
     "follow-up don't quite line up; that is normal after something so upsetting.", False),
    ("en", "non-actionable", "reporter", CONTACT,
     "If the two of you had a conversation at Wikimania, that is not part of what we reviewed.",
     False),
    ("de", "non-actionable", "reporter", CONTACT, "Fordere ihn bitte nicht auf, dich in Ruhe zu "
     "lassen, sondern melde jede neue Nachricht bei uns.", False),
    ("de", "non-actionable", "reporter", CONTACT, "Du könntest ihm auf seiner Diskussionsseite "
     "schreiben und ihn bitten, dich nicht mehr zu erwähnen.", True),
    # cue classes from dev_q's misses, in sentences of our own
    ("en", "non-actionable", "reporter", BLAME,
     "I'm not blaming you, but your user page did list your town.", True),
    ("en", "non-actionable", "reporter", BLAME,
     "Nobody is blaming you for this; we can only act on diffs.", False),
    ("de", "non-actionable", "reporter", BLAME, "Ich mache dir keinen Vorwurf, aber dein "
     "Wohnort stand ja offen auf deiner Seite.", True),
    ("de", "non-actionable", "reporter", BLAME,
     "Das ist kein Vorwurf, aber wir brauchen die Links zu den Bearbeitungen.", False),
    ("en", "actionable", "reporter", EMOTION, "The block was a long time coming.", True),
    ("en", "actionable", "reporter", EMOTION,
     "I was glad to be the one to press the button on this.", True),
    ("en", "actionable", "reporter", EMOTION,
     "The block is logged in UTC, so mind the time zone.", False),
    ("de", "non-actionable", "reporter", THREAT,
     "Vielleicht wäre es klug, die Sache bis dahin nicht weiter hochzukochen.", True),
    ("de", "actionable", "subject", JUDGE,
     "Von Ihnen hätten wir uns ein anderes Verhalten erwartet.", True),
    ("en", "actionable", "subject", JUDGE, "Editors who trust their sources rarely need to go "
     "after the person on the other side.", True),
    ("de", "malicious-report-subject", "subject", CONFIDENTIAL,
     "Die Meldung ging vom Stammtisch in Nordheim aus.", True),
    ("en", "non-actionable", "reporter", CONFIDENTIAL, "As the edits came from changing IP "
     "addresses, as the page history shows, a block on one address will not help.", False),
    ("de", "non-actionable", "reporter", CONFIDENTIAL,
     "Die Bearbeitungen, in denen Ihr Klarname genannt wurde, sind versteckt.", False),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL, "The Trust and Safety team "
     "found no violation on your part, and the report is closed.", False),
    ("en", "non-actionable", "reporter", CONTACT,
     "I have given a note to that user on his talk page about civility.", False),
    ("en", "non-actionable", "reporter", THREAT,
     "Nothing in this process asks you to keep it to yourself.", False),
    ("en", "non-actionable", "reporter", THREAT, "If you'd rather keep it out of public view, "
     "you can send future reports to us here.", False),
]


@pytest.mark.parametrize("text, flagged", [
    ("I'm sorry for what you went through.", False),
    ("I'm so sorry for everything you've been through!", False),
    ("I'm sorry for what you went through, and sorry it's only a warning.", True),
])
def test_sorrow_for_what_the_person_went_through_is_no_emotional_outcome(text, flagged):
    # The model read the bare sentence as an apology for the sanction (session 24).
    found = _codes(check(text, lang="en", outcome="actionable", audience="reporter"))
    assert ("emotional-outcome" in found) is flagged, found


# dev_o, dev_q, dev_r: the rules were tuned on them, the model is not trained on them
# (RULES_ONLY_FILES).  What the checker still gets wrong on them is kept visible.
_MODEL_FALSE_ALARM = "the model's false alarm: a code the reply is not labelled with"
# (The model learns the good replies of these files since session 25; the model's false
# alarms on six of them went with that.)
RULES_ONLY_KNOWN_WRONG = {
    "dq17-de-du-shares-confidential-details-01": _MODEL_FALSE_ALARM,
    "do15-de-du-disbelief-or-blame-01": "a flaw only the model found, until it learned the "
                                        "rules-only files' good replies (session 25)",
    # dev_s (session 25, replies mostly to subjects): read, partly tuned on, left with these
    "r25c-en-wd-good-first-warning": _MODEL_FALSE_ALARM,
    "r25c-en-st-good-lock-explained": _MODEL_FALSE_ALARM,
    "r25c-de-sie-os-good-cleared-doxxing": _MODEL_FALSE_ALARM,
}


@pytest.mark.parametrize("case", [
    pytest.param(c, id=f"rules-only:{c['id']}", marks=[pytest.mark.xfail(
        strict=True, reason=RULES_ONLY_KNOWN_WRONG[c["id"]])]
        if c["id"] in RULES_ONLY_KNOWN_WRONG else [])
    for name in replies.RULES_ONLY_FILES
    for c in yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))["cases"]])
def test_rules_only_development_reply_raises_exactly_its_labelled_codes(case):
    assert _check_case(case) == set(case["expect"])


# Cue classes written from dev_r's misses and false alarms (session 25), in sentences of
# our own, each beside a near miss.
ADVOCACY = "pushes-advocacy"
REVIEW_CUE_CLASSES_OF_SESSION_25 = [
    # the opinion on guilt with the verb in front ("ehrlich gesagt halte ich ihn ...")
    ("de", "non-actionable", "reporter", OPINION,
     "Und ehrlich gesagt halte ich ihn auch für den Urheber, das Muster ist zu deutlich.", True),
    ("de", "non-actionable", "reporter", OPINION, "Persönlich halte ich ihn für den Täter.", True),
    ("de", "non-actionable", "reporter", OPINION,
     "Für die Sperre halte ich die Belege nicht für ausreichend.", False),
    ("de", "non-actionable", "reporter", OPINION,
     "Ehrlich gesagt halte ich das für eine gute Frage.", False),
    # the decision itself regretted to the sanctioned person
    ("de", "actionable", "subject", EMOTION,
     "Mir persönlich tut diese Entscheidung wirklich leid.", True),
    ("de", "actionable", "subject", EMOTION, "Die Sperre tut mir ehrlich leid.", True),
    ("de", "actionable", "reporter", EMOTION,
     "Mir tut es leid, dass Sie so lange warten mussten.", False),
    # a piece about the person's case pitched as what the community needs to read
    ("en", "actionable", "reporter", ADVOCACY, "A Signpost op-ed built around your case is "
     "exactly what the community needs to read right now.", True),
    ("en", "actionable", "reporter", ADVOCACY,
     "What the community needs to see is that we act on reports like yours.", False),
    # a cleared subject's edits watched
    ("en", "malicious-report-subject", "subject", JUDGE, "I'll be keeping half an eye on the "
     "page for a while, including your edits there.", True),
    ("en", "malicious-report-subject", "subject", JUDGE,
     "If anyone keeps an eye on your edits in a way that feels like hounding, tell me.", False),
    # the writer's own step, another's letter, the process for accounts still to come
    ("en", "non-actionable", "reporter", CONTACT, "I've removed the two personal comments and "
     "left him a note on his talk page.", False),
    ("en", "non-actionable", "reporter", CONTACT,
     "Why not leave him a note on his talk page?", True),
    ("en", "actionable", "reporter", CONTACT,
     "You could also have a solicitor send him a letter before claim.", False),
    ("de", "non-actionable", "reporter", CONTACT,
     "Ich habe den Satz entfernt und ihm auf seiner Disk einen Hinweis hinterlassen.", False),
    ("de", "non-actionable", "reporter", CONTACT, "Danke für Ihre Nachricht zu den Bearbeitungen "
     "auf Ihrer Benutzerseite.", False),
    ("en", "referred", "reporter", "promises-outcome", "If new accounts appear, write to the "
     "stewards and they will be locked for their behaviour alone.", False),
    ("en", "referred", "reporter", "promises-outcome",
     "Don't worry, he will definitely be blocked.", True),
    # the concept of a real name, a blocking admin reached by e-mail
    ("de", "actionable", "subject", CONFIDENTIAL, "Anlass waren Beiträge, in denen Sie einen "
     "anderen Benutzer mit seinem vermuteten Klarnamen angesprochen haben.", False),
    ("de", "actionable", "subject", CONFIDENTIAL, "Sie können den sperrenden Administrator per "
     "E-Mail anschreiben.", False),
    ("de", "actionable", "reporter", CONFIDENTIAL,
     "Die Verwarnung haben wir ihm per E-Mail geschickt.", True),
    # dev_s: the sanctioned (or cleared) person's own reply said to show why; "look at how
    # one writes"; edits looked in on; "hätten wir erwarten dürfen"; fewer barbs
    ("en", "actionable", "subject", JUDGE, "I'd add that the tone of your reply to the "
     "notification rather illustrates why the Committee felt the step was needed.", True),
    ("en", "actionable", "subject", JUDGE,
     "Your reply shows that you disagree, and you can say so at ARCA.", False),
    ("en", "malicious-report-subject", "subject", JUDGE,
     "Maybe it is good to look a little at how one writes in the reviews.", True),
    ("en", "malicious-report-subject", "subject", JUDGE,
     "I had a good look at how the reviews were written and found nothing wrong.", False),
    ("en", "malicious-report-subject", "subject", JUDGE,
     "I'll be looking in on your edits there for a while.", True),
    ("en", "malicious-report-subject", "subject", JUDGE,
     "Feel free to drop in on my talk page if anything comes up.", False),
    ("de", "actionable", "subject", JUDGE, "Von jemandem, der selbst Exkursionen geleitet hat, "
     "hätten wir allerdings erwarten dürfen, dass ein Nein verstanden wird.", True),
    ("de", "actionable", "subject", JUDGE, "Sie hätten erwarten dürfen, dass wir Sie vorher "
     "anhören, und das haben wir getan.", False),
    ("de", "malicious-report-subject", "subject", JUDGE, "Ein paar Spitzen weniger in den "
     "Zusammenfassungszeilen würden sicher helfen.", True),
    ("de", "malicious-report-subject", "subject", JUDGE, "Die Meldung sprach von Spitzen in "
     "deinen Zusammenfassungen; ich habe keine gefunden.", False),
    # the person's own insult quoted back as the reason for the sanction
    ("de", "actionable", "subject", JUDGE,
     "Grund ist, dass du sie zweimal als „Spinnerin\" bezeichnet hast.", False),
    ("de", "actionable", "subject", JUDGE, "Ehrlich gesagt bist du ein Spinner.", True),
    ("en", "actionable", "subject", JUDGE,
     "The block is for calling her a \"liar\" twice on the talk page.", False),
    # the addressee as the one who might raise a complaint
    ("en", "actionable", "subject", CONFIDENTIAL,
     "The rule would apply in the same way to a complaint raised by you.", False),
    # reporting to the press ruled out with "weder ... noch"
    ("de", "referred", "reporter", ADVOCACY, "Bitte wenden Sie sich während der Prüfung weder "
     "an Wikimedia Deutschland noch an die Presse.", False),
]


# Advice against a place of help in a word that points back ("I wouldn't recommend it"):
# a flaw only when the police, the Foundation or a helpline was named in one of the two
# sentences before (often the person's own question told back), and not when the sentence
# names another step ("answering him ... I wouldn't recommend that"), sending it twice or
# waiting for a decision (session 26, from dev_r's and dev_s's misses).
AFTER_A_PLACE_OF_HELP = [
    ("en", "non-actionable", "reporter", THREAT, "You asked whether you should go to the "
     "police. That is entirely your decision. Honestly, I wouldn't recommend it.", True),
    ("en", "non-actionable", "reporter", THREAT, "You asked about contacting the police. "
     "I'd advise against that, the admins have handled it.", True),
    ("en", "non-actionable", "reporter", THREAT, "Trust and Safety can look at the off-wiki "
     "messages. It's probably not worth the hassle, though.", True),
    # the same words with nothing to point back to, or pointing elsewhere
    ("en", "non-actionable", "reporter", THREAT, "You asked whether to reply on his talk "
     "page. Honestly, I wouldn't recommend it.", False),
    ("en", "non-actionable", "reporter", THREAT, "The police can help with threats offline. "
     "You also asked about answering him on his talk page: I wouldn't recommend that.",
     False),
    ("en", "non-actionable", "reporter", THREAT, "I've forwarded the diffs to Trust and "
     "Safety. I wouldn't recommend sending them the same report again.", False),
    ("en", "non-actionable", "reporter", THREAT, "The police are one option, and we can help "
     "with the diffs. I would recommend it if you feel unsafe.", False),
    # three sentences back is too far to say what "it" is
    ("en", "non-actionable", "reporter", THREAT, "You mentioned the police. The block is "
     "for a week. He may appeal. I wouldn't recommend it to him.", False),
    ("de", "non-actionable", "reporter", THREAT, "Du hast gefragt, ob du zur Polizei gehen "
     "sollst. Das entscheidest du. Ehrlich gesagt würde ich es aber lassen.", True),
    ("de", "non-actionable", "reporter", THREAT, "Sie fragten nach einer Anzeige. Davon rate "
     "ich Ihnen eher ab.", True),
    ("de", "non-actionable", "reporter", THREAT, "Du hast gefragt, ob du ihm auf seiner Disk "
     "antworten sollst. Das würde ich eher nicht tun.", False),
    ("de", "non-actionable", "reporter", THREAT, "Eine Anzeige ist deine Entscheidung. Ihm "
     "selbst zu antworten, davon rate ich ab.", False),
    ("de", "non-actionable", "reporter", THREAT, "Die Beratungsstelle HateAid kann helfen. "
     "Das würde ich dir empfehlen.", False),
]


# A platform, a newspaper, a blog or a journalist named is not a push to go public: it is
# often where the harassment or the news came from.  German flagged the bare name until
# session 26 (dev_s, and one good reply each in untuned_m and untuned_n); English needed
# the person's own post, as now both.
MEDIUM_NAMED = [
    ("de", "non-actionable", "reporter", ADVOCACY, "Die Nachrichten kamen über Mastodon, "
     "nicht über die Wikipedia.", False),
    ("de", "non-actionable", "reporter", ADVOCACY, "Sein Konto auf Mastodon ist inzwischen "
     "gesperrt, das hat die Instanz selbst gemacht.", False),
    ("de", "non-actionable", "reporter", ADVOCACY, "Für Belästigung auf Facebook ist die "
     "Meldefunktion von Facebook zuständig.", False),
    ("de", "non-actionable", "reporter", ADVOCACY, "Bitte schreib nicht auf Twitter darüber, "
     "solange die Prüfung läuft.", False),
    ("de", "non-actionable", "reporter", ADVOCACY, "Ein Zeitungsartikel über das Editathon "
     "hat dich erwähnt; wir haben die Redaktion um Korrektur gebeten.", False),
    ("de", "non-actionable", "reporter", ADVOCACY, "Die Redaktion hat uns informiert, dass "
     "der Artikel korrigiert wird.", False),
    ("de", "non-actionable", "reporter", ADVOCACY, "Sein Blog ist inzwischen offline.", False),
    ("de", "non-actionable", "reporter", ADVOCACY, "Die Journalistin, die dich angeschrieben "
     "hat, hat nichts mit uns zu tun.", False),
    ("de", "non-actionable", "reporter", ADVOCACY, "Du könntest das auch auf Twitter "
     "öffentlich machen, damit alle sehen, wie er ist.", True),
    ("de", "non-actionable", "reporter", ADVOCACY, "Teile die Screenshots doch auf "
     "Instagram.", True),
    ("de", "non-actionable", "reporter", ADVOCACY, "Vielleicht hilft es, in den sozialen "
     "Medien darüber zu berichten.", True),
    ("de", "non-actionable", "reporter", ADVOCACY, "Informier doch die Lokalzeitung, dann "
     "passiert was.", True),
    ("de", "non-actionable", "reporter", ADVOCACY, "Die Lokalzeitung würde sich sicher für "
     "deinen Fall interessieren.", True),
    ("de", "non-actionable", "reporter", ADVOCACY, "Wende dich doch an eine Journalistin, die "
     "über so etwas schreibt.", True),
    ("de", "non-actionable", "reporter", ADVOCACY, "Schreib einen Blogbeitrag darüber, damit "
     "alle wissen, wie er ist.", True),
    ("en", "actionable", "reporter", "emotional-outcome", "He is sorry, and so am I: the "
     "block is only a week.", True),
    ("de", "actionable", "reporter", "emotional-outcome", "Er hat sich entschuldigt, und "
     "leider ist die Sperre nur eine Woche lang.", True),
    ("en", "actionable", "reporter", BLAME, "He argued that you had provoked him, and the "
     "administrators accepted that.", True),
    ("de", "actionable", "reporter", BLAME, "Er hat behauptet, du hättest ihn provoziert, und "
     "die Admins haben das gelten lassen.", True),
    ("en", "actionable", "reporter", CONFIDENTIAL, "His employer was named in the thread as "
     "Acme Ltd in Leeds.", True),
    ("en", "actionable", "reporter", CONFIDENTIAL, "His real name was posted in the thread: "
     "John Smith.", True),
    ("en", "actionable", "reporter", CONFIDENTIAL, "Other editors have reported him too.", True),
    ("en", "actionable", "reporter", CONFIDENTIAL, "Trust and Safety found that he lives in "
     "your town, which is why we are worried.", True),
    ("en", "actionable", "reporter", CONFIDENTIAL, "The Foundation told me he is the same person "
     "as the old account.", True),
    ("de", "actionable", "reporter", CONFIDENTIAL, "Trust and Safety hat festgestellt, dass er "
     "in deiner Stadt wohnt.", True),
    ("de", "actionable", "reporter", CONFIDENTIAL, "Die Untersuchung der Foundation hat ergeben, "
     "dass er das alte Konto betreibt.", True),
    ("de", "actionable", "reporter", CONFIDENTIAL, "Zwei andere Benutzerinnen haben ihn ebenfalls "
     "gemeldet.", True),
    ("de", "non-actionable", "reporter", CONTACT, "Statt hier zu melden, schreib ihm auf seiner "
     "Diskussionsseite.", True),
    ("en", "non-actionable", "reporter", BLAME, "Frankly, you deserved what you got.", True),
    ("en", "non-actionable", "reporter", BLAME, "You asked for it.", True),
    ("en", "non-actionable", "reporter", BLAME, "His message said you deserved it, and I agree.", True),
    ("de", "non-actionable", "reporter", BLAME, "Das hast du dir verdient.", True),
    ("en", "non-actionable", "reporter", "legal-advice", "He threatened to sue you; you could sue "
     "him back.", True),
    ("en", "non-actionable", "reporter", "legal-advice", "You could sue him for his legal "
     "threats.", True),
    ("en", "actionable", "reporter", CONFIDENTIAL, "The edits came from an IP address in "
     "Leeds.", True),
    ("en", "actionable", "reporter", CONFIDENTIAL, "The messages came from an IP address, the "
     "same one his account used.", True),
    ("de", "non-actionable", "reporter", COUNSEL, "Ich weiss, dass Sie in Therapie sind; sprechen "
     "Sie dort darüber.", True),
    ("en", "non-actionable", "reporter", ADVOCACY, "The messages came through Instagram, not "
     "through Wikipedia.", False),
    ("en", "non-actionable", "reporter", ADVOCACY, "You can tell your story on your blog and "
     "share it on social media so people know.", True),
]

# Session 27: the rules-only files' known wrong readings, dev_t's, and a stated consequence
# of a repeat, each beside a twin that must still be found.
REVIEW_CUE_CLASSES_OF_SESSION_27 = [
    # "innerhalb von drei Monaten ... gestellt" is a time limit, not who filed the report
    ("de", "malicious-report-subject", "subject", CONFIDENTIAL, "Eine Sperrprüfung muss "
     "innerhalb von zwei Wochen gestellt werden.", False),
    ("de", "malicious-report-subject", "subject", CONFIDENTIAL, "Die Meldung wurde von Ihrer "
     "Nachbarin eingereicht.", True),
    ("de", "malicious-report-subject", "subject", CONFIDENTIAL, "Die Meldung wurde von zwei "
     "Benutzern gestellt.", True),
    # the check a mistaken reporter should have made, as a counterfactual or an instruction
    ("en", "mistaken-report", "reporter", BLAME, "A quick look at the history before posting "
     "would have shown the bot flag.", True),
    ("en", "mistaken-report", "reporter", BLAME, "You should have checked the history before "
     "reporting.", True),
    ("en", "mistaken-report", "reporter", BLAME, "Next time, please check the page history "
     "before filing a report.", True),
    ("en", "mistaken-report", "reporter", BLAME, "You don't need to check the history before "
     "reporting; that's our job.", False),
    ("en", "mistaken-report", "reporter", BLAME, "We always look at the history before opening "
     "a case, and that is what we did here.", False),
    ("en", "mistaken-report", "reporter", BLAME, "I should have checked the history myself "
     "before replying.", False),
    # a forecast that the referral will come to nothing: innocence decided in advance
    ("en", "referred", "subject", OPINION, "Having read it, I honestly don't expect it to go "
     "anywhere.", True),
    ("en", "referred", "subject", OPINION, "I doubt anything will come of it.", True),
    ("en", "referred", "subject", OPINION, "I can't say whether it will go anywhere; that is "
     "for Trust and Safety.", False),
    ("en", "referred", "subject", OPINION, "I don't expect to hear from them before March.",
     False),
    ("de", "referred", "subject", OPINION, "Ich rechne ehrlich gesagt nicht damit, dass dabei "
     "etwas herauskommt.", True),
    ("de", "referred", "subject", OPINION, "Da wird wohl nichts herauskommen.", True),
    ("de", "referred", "subject", OPINION, "Ich kann nicht sagen, ob dabei etwas herauskommt.",
     False),
    ("de", "referred", "subject", OPINION, "Ich rechne damit, dass die Prüfung einige Wochen "
     "dauert.", False),
    # the subject's explanation, or the reported person's, not believed in the writer's voice
    ("en", "actionable", "subject", OPINION, "You say it was a joke. Honestly, I don't buy it.",
     True),
    ("en", "actionable", "subject", OPINION, "I don't believe a word of it.", True),
    ("en", "actionable", "subject", OPINION, "I don't believe you need to do anything else.",
     False),
    ("en", "actionable", "subject", OPINION, "I don't buy the idea that admins never make "
     "mistakes.", False),
    ("en", "non-actionable", "reporter", OPINION, "He says it was a joke, but I don't buy his "
     "excuse.", True),
    ("de", "actionable", "subject", OPINION, "Du schreibst, das sei ironisch gemeint gewesen. "
     "Das nehme ich dir nicht ab.", True),
    ("de", "actionable", "subject", OPINION, "Ich nehme Ihnen diese Erklärung nicht ab.", True),
    ("de", "actionable", "subject", OPINION, "Das glaube ich dir gern.", False),
    ("de", "actionable", "subject", OPINION, "Die Entscheidung nehme ich dir nicht ab, die "
     "musst du selbst treffen.", False),
    ("de", "actionable", "subject", OPINION, "Die Sperrprüfung musst du selbst beantragen, das "
     "nehme ich dir nicht ab.", False),
    ("de", "non-actionable", "reporter", OPINION, "Er sagt, es sei ein Scherz gewesen, aber "
     "das nehme ich ihm nicht ab.", True),
    ("de", "non-actionable", "reporter", OPINION, "Die Arbeit nehme ich dir gern ab.", False),
    # a fact the person told about themselves, told back, is theirs (dev_t); the writer's own
    # advice after it is still read
    ("en", "non-actionable", "reporter", "legal-advice", "You mentioned that you and the "
     "company's former director are in a court case.", False),
    ("en", "non-actionable", "reporter", "legal-advice", "You said you had already reported "
     "him to the police; you should also sue him for defamation.", True),
    ("en", "non-actionable", "reporter", COUNSEL, "You mentioned that you can't sleep, so try "
     "box breathing before bed.", True),
    ("en", "non-actionable", "reporter", CONTACT, "You told us you had already written to him, "
     "and you should write to him again.", True),
    ("de", "referred", "reporter", "legal-advice", "Sie haben geschrieben, dass Sie bereits "
     "Anzeige bei der Polizei erstattet haben.", False),
    ("de", "referred", "reporter", COUNSEL, "Sie schreiben, dass Sie die Sache mit Ihrer "
     "Therapeutin besprechen.", False),
    ("de", "referred", "reporter", COUNSEL, "Sie schreiben, dass Sie kaum schlafen, probieren "
     "Sie doch progressive Muskelentspannung.", True),
    ("de", "referred", "reporter", COUNSEL, "Da du schreibst, dass du kaum schläfst, rate ich "
     "dir zu Baldrian.", True),
    ("de", "referred", "reporter", "legal-advice", "Sie haben geschrieben, dass Sie Anzeige "
     "erstattet haben; die Frist für den Strafantrag beträgt drei Monate.", True),
    ("de", "non-actionable", "reporter", CONTACT, "Du hast erzählt, dass du ihm schon "
     "geschrieben hast, schreib ihm ruhig noch einmal.", True),
    # dev_t's misses and false alarms: the filer pointed at by who they are ...
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL, "To be open with you: the "
     "report came from the photographer whose files you nominated.", True),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL, "It was one of your co-authors "
     "who reported you.", True),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL, "The report came from the "
     "usual noticeboard, like any other.", False),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL, "We can't tell you whether the "
     "report came from the photographer.", False),
    # ... the kind and place of someone's connection, and a negative checkuser result ...
    ("en", "non-actionable", "reporter", CONFIDENTIAL, "One account edits from a residential "
     "connection in Portugal, the other from a mobile network in Canada.", True),
    ("en", "non-actionable", "reporter", CONFIDENTIAL, "The two have never shared a device.",
     True),
    ("en", "non-actionable", "reporter", CONFIDENTIAL, "He edits from a mobile connection, so "
     "a range block would hit many people.", False),
    # ... the reporter's own earlier request, the page calming down, a legal-fees programme,
    # "statt es auf sich beruhen zu lassen", the way to have a block reviewed
    ("en", "actionable", "reporter", CONTACT, "After you'd asked him to stop, he carried on.",
     False),
    ("en", "actionable", "reporter", CONTACT, "Have you asked him to stop?", True),
    ("en", "actionable", "reporter", CONTACT, "You had asked him to stop, and you could write "
     "to him once more to clear the air.", True),
    ("en", "non-actionable", "reporter", "presumes-feelings", "If the page is left alone for a "
     "while, I think it will calm down on its own.", False),
    ("en", "non-actionable", "reporter", "presumes-feelings", "Please calm down and read the "
     "decision again.", True),
    ("en", "non-actionable", "reporter", LEGAL, "If you are being threatened with legal action "
     "over your editing, the Foundation's Legal Fees Assistance Program may be able to help.",
     False),
    ("en", "non-actionable", "reporter", LEGAL, "If you are threatened with legal action, you "
     "should sue him first.", True),
    ("de", "mistaken-report", "reporter", THREAT, "Es war richtig, es zu melden, statt es auf "
     "sich beruhen zu lassen.", False),
    ("de", "non-actionable", "reporter", THREAT, "Am besten lässt du es auf sich beruhen.",
     True),
    ("de", "actionable", "subject", CONFIDENTIAL, "Eine Überprüfung der Sperre können Sie per "
     "E-Mail an die Stewards beantragen.", False),
    ("de", "actionable", "reporter", CONFIDENTIAL, "Er hat eine Verwarnung per E-Mail "
     "bekommen.", True),
    # whom an investigation heard, told to the person reported (dev_s); a reporter may hear
    # that staff spoke with the people present
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL, "Our review included "
     "interviews with the three attendees who sat at your table.", True),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL, "We interviewed two other "
     "participants, and neither saw anything.", True),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL, "Trust and Safety may speak "
     "with other participants as part of its review.", False),
    ("en", "non-actionable", "subject", CONFIDENTIAL, "We spoke with the people who were there "
     "and looked at the messages in the group.", False),
    ("en", "malicious-report-subject", "subject", CONFIDENTIAL, "Our review included "
     "technical checks, and we cannot share their results.", False),
    ("en", "non-actionable", "reporter", CONFIDENTIAL, "We spoke with several witnesses at the "
     "event, but nobody could say who wrote it.", False),
    ("de", "malicious-report-subject", "subject", CONFIDENTIAL, "Wir haben mit drei "
     "Teilnehmenden gesprochen, die an Ihrem Tisch saßen.", True),
    ("de", "malicious-report-subject", "subject", CONFIDENTIAL, "Wir haben drei Anwesende "
     "befragt.", True),
    ("de", "malicious-report-subject", "subject", CONFIDENTIAL, "Das Team kann im Rahmen der "
     "Prüfung auch mit anderen Teilnehmenden sprechen.", False),
    ("de", "non-actionable", "reporter", CONFIDENTIAL, "Wir haben mit mehreren Anwesenden "
     "gesprochen.", False),
    # the consequence of a repeat, stated, is the rule told; a promise is still a promise
    ("en", "actionable", "reporter", "promises-outcome", "If he contacts you again, he will be "
     "blocked.", False),
    ("en", "non-actionable", "reporter", "promises-outcome", "I promise we will get him banned "
     "if he does it again.", True),
    ("en", "actionable", "reporter", "promises-outcome", "He will definitely be banned for "
     "this.", True),
    ("de", "actionable", "reporter", "promises-outcome", "Wenn er dich noch einmal anschreibt, "
     "wird er gesperrt.", False),
    ("de", "actionable", "reporter", "promises-outcome", "Ich verspreche dir, dass er gesperrt "
     "wird, wenn er es noch einmal tut.", True),
]


@pytest.mark.parametrize("lang, outcome, audience, code, text, flagged",
                         REVIEW_CUE_CLASSES_OF_SESSION_18 + REVIEW_CUE_CLASSES_OF_SESSION_19
                         + REVIEW_CUE_CLASSES_OF_SESSION_20 + REVIEW_CUE_CLASSES_OF_SESSION_21
                         + REVIEW_CUE_CLASSES_OF_SESSION_24 + REVIEW_CUE_CLASSES_OF_SESSION_25
                         + AFTER_A_PLACE_OF_HELP + MEDIUM_NAMED
                         + REVIEW_CUE_CLASSES_OF_SESSION_27)
def test_review_cue_classes(lang, outcome, audience, code, text, flagged):
    assert _flagged_by_rules(lang, outcome, audience, code, text) is flagged


def test_a_ticket_footer_after_a_signature_delimiter_is_not_counted():
    body = "Die Meldung gegen Ihr Konto ist geschlossen, es gibt keine Maßnahme."
    footer = ("Diese Nachricht wurde über das Ticketsystem des Support-Teams versendet. Bitte "
              "lassen Sie bei Antworten die Ticketnummer im Betreff stehen; Antworten an diese "
              "Adresse erreichen das gesamte Team.")
    assert replies.word_count(f"{body}\n\nGruß\n--\n{footer}") == replies.word_count(
        f"{body}\n\nGruß\n")
    # a signature written on the same line as the dashes is part of the reply
    assert replies.word_count(f"{body}\n--Kiesgrube (Diskussion)") > replies.word_count(body)
    found = _codes(check(f"{body}\n\nGruß\n--\n{footer}", lang="de",
                         outcome="malicious-report-subject", audience="subject"))
    assert "too-terse" in found
