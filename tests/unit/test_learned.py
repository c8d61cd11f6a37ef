"""The learned triage model: plain-Python scoring equal to scikit-learn's, a committed
model that a fresh training reproduces, trained on development files only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.errors import DataError
from bot import learned as generic
from bot.triage import learned

import sklearn  # noqa: F401  (the test extra installs it: a missing one fails here)

DATA = Path(__file__).resolve().parent.parent / "data" / "triage"
TRICKY = ["  Two  spaces and\ttabs\n", "a I ok yes", "Ünïcödé wörds ß and émoji 🔪 here",
          "[[User:Somebody|sb]] 12:01, 3 March 2024 (UTC) I will find you",
          "--[[Benutzer:X|X]] 08:40, 12. Apr. 2024 (CEST) ich weiß, wo du wohnst"]


def _cases(name: str) -> list[dict]:
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("text", TRICKY)
def test_ngrams_match_scikit_learns_analyzers(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(preprocessor=generic.clean, ngram_range=(1, 2)).build_analyzer()
    char = TfidfVectorizer(preprocessor=generic.clean, analyzer="char_wb",
                           ngram_range=generic.CHAR_RANGE).build_analyzer()
    cleaned = generic.clean(text)
    assert sorted(generic.word_ngrams(cleaned)) == sorted(word(text))
    assert sorted(generic.char_ngrams(cleaned, *generic.CHAR_RANGE)) == sorted(char(text))


def test_plain_python_probabilities_equal_scikit_learns():
    cases = _cases("dev") + _cases("dev_b")
    word, char, models = generic.fit(cases, learned.TRAINED_CATEGORIES)
    model = generic.model_from_data(
        generic.train(cases, sources=["dev", "dev_b"], categories=learned.TRAINED_CATEGORIES,
                      threshold=learned.THRESHOLD, about=learned.ABOUT),
        "model.json", learned.SCHEMA)
    from scipy.sparse import hstack

    probe = [c["text"] for c in _cases("dev_c")[:40]] + TRICKY
    matrix = hstack([word.transform(probe), char.transform(probe)]).tocsr()
    for category, fitted in models.items():
        expected = fitted.predict_proba(matrix)[:, 1]
        got = [model.probabilities(text)[category] for text in probe]
        assert got == pytest.approx(list(expected), abs=1e-4), category


def test_committed_model_is_a_fresh_training_on_development_files_only():
    text = learned.MODEL.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["trained_on"] == sorted(learned.TRAINING_FILES)
    # Every development file but the listed untrained and plain ones, and nothing else: a
    # new one is not forgotten.
    assert sorted(learned.DEVELOPMENT_FILES) == sorted(p.stem for p in DATA.glob("dev*.yaml"))
    assert not set(learned.TRAINING_FILES) & (set(learned.UNTRAINED_FILES)
                                              | set(learned.PLAIN_FILES))
    assert all(name.startswith("dev") for name in data["trained_on"])
    assert data["reports"] == sum(len(_cases(name)) for name in learned.TRAINING_FILES)
    # Deterministic: a stale model (a corpus changed, the model was not retrained) fails.
    assert learned.fresh_model_text() == text


def test_a_broken_model_file_is_a_clear_error(tmp_path):
    data = json.loads(learned.MODEL.read_text(encoding="utf-8"))
    data["categories"]["self-harm"]["word"] = data["categories"]["self-harm"]["word"][:-1]
    broken = tmp_path / "model.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError, match=r"model\.json: entry categories\.self-harm"):
        learned.load_model(broken)
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.json: .*JSON syntax"):
        learned.load_model(tmp_path / "bad.json")
    with pytest.raises(DataError, match="missing"):
        learned.load_model(tmp_path / "absent.json")


# The long lists of a model file are checked by a loop of our own (jsonschema took
# seconds); a bad value deep inside one is still named by entry and field.
@pytest.mark.parametrize("where, value, message", [
    (("word", "idf", 5000), -1.0, r"entry word\.idf\[5000\], field '\(the entry itself\)': "
                                  r"-1\.0 is less than or equal to the minimum of 0\."),
    (("char", "terms", 700), 3, r"entry char\.terms\[700\], field .*3 is not of type 'string'"),
    (("categories", "doxxing", "char", 123), "0.5",
     r"entry categories\.doxxing\.char\[123\], field .*is not of type 'number'"),
    (("categories", "doxxing", "word", 9), True,
     r"entry categories\.doxxing\.word\[9\], field .*True is not of type 'number'"),
    (("word", "idf", 0), 0, r"entry word\.idf\[0\], field .*less than or equal to the minimum"),
])
def test_a_bad_value_deep_in_a_model_file_is_named(tmp_path, where, value, message):
    data = json.loads(learned.MODEL.read_text(encoding="utf-8"))
    *path, index = where
    target = data
    for key in path:
        target = target[key]
    target[index] = value
    broken = tmp_path / "model.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError, match=r"model\.json: " + message):
        learned.load_model(broken)


def test_the_model_raises_scores_and_says_so_without_numbers():
    from bot.triage import load_rules, score_report, suggest

    raised = 0
    for case in _cases("dev_c") + _cases("dev_f"):
        rules = load_rules(case["lang"])
        plain = {s.category: s.score for s in score_report(case["text"], rules, learned=False)}
        agrees = {rules.words["model_strongly"], rules.words["model_moderately"]}
        for s in suggest(case["text"], lang=case["lang"]):
            said = [e for e in s.evidence if e in agrees]
            assert not any(ch.isdigit() for e in said for ch in e), said
            if s.score > plain.get(s.category, 0.0) + 1e-9:
                raised += 1
                if s.category in learned.TRAINED_CATEGORIES:
                    assert said, s.evidence
                else:  # needs-evidence follows a conduct category the model raised
                    assert s.category == "needs-evidence", s
    assert raised > 0


def test_committed_second_look_is_a_fresh_training_on_first_opinions_without_the_author():
    text = learned.SECOND_LOOK_MODEL.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["trained_on"] == sorted(learned.TRAINING_FILES)
    assert list(data["categories"]) == [learned.SECOND_LOOK_CATEGORY]
    assert data["threshold"] == learned.SECOND_LOOK_THRESHOLD
    # The cases it learns from: both kinds, true and false doxxing suggestions.
    cases = learned.first_opinion_out_of_author()
    assert data["reports"] == len(cases)
    labelled = [learned.SECOND_LOOK_CATEGORY in c["labels"] for c in cases]
    assert any(labelled) and not all(labelled)
    assert learned.fresh_second_look_text(cases=cases) == text   # a stale one fails


def _toy_second_look(threshold: float):
    """A second look that learned that reports about restaurants are false alarms."""
    cases = ([{"text": f"He posted my home address and street, number {n}, on his blog.",
               "lang": "en", "labels": ["doxxing"]} for n in range(6)]
             + [{"text": f"The restaurant's street address {n} keeps being removed from the "
                         "article about the restaurant.", "lang": "en", "labels": []}
                for n in range(6)])
    data = generic.train(cases, sources=["dev_toy"], categories=["doxxing"],
                         threshold=threshold, about="toy")
    return generic.model_from_data(data, "toy.json", learned.SCHEMA)


def test_the_second_look_withdraws_a_suggestion_it_reads_as_a_false_alarm():
    from bot.triage.rules import load_rules
    from bot.triage.scorer import WITHDRAWN, score_report

    rules = load_rules("en")
    text = ("Someone keeps adding the restaurant's street address to the article about the "
            "restaurant, which is doxxing the owner! [[Special:Diff/1]]")
    first = {s.category: s for s in score_report(text, rules, second_look=False)}
    assert first["doxxing"].suggested   # the first opinion suggests it
    look = _toy_second_look(threshold=0.5)
    after = {s.category: s for s in score_report(text, rules, second_look=look)}
    assert not after["doxxing"].suggested
    assert after["doxxing"].score <= WITHDRAWN
    assert after["doxxing"].evidence[0].startswith("withdrawn")
    # A withdrawn suggestion weakens no other category ("the report is about doxxing").
    assert not any("about doxxing" in line for s in after.values() for line in s.evidence)
    # A real disclosure keeps its suggestion under the same second look.
    real = "He posted my home address and street number on his blog. [[Special:Diff/2]]"
    kept = {s.category: s for s in score_report(real, rules, second_look=look)}
    assert kept["doxxing"].suggested


def test_a_capped_threat_the_model_raises_leads_with_the_models_word():
    from bot.triage.rules import load_rules
    from bot.triage.scorer import score_report

    rules = load_rules("en")
    text = 'My signature quotes the chorus of a folk song: "I will burn your house down".'
    plain = {s.category: s for s in score_report(text, rules, learned=False)}
    assert plain["threat-of-violence"].evidence[0].startswith("capped")
    # A toy model that learned that quoted choruses are threats raises the score.
    cases = ([{"text": f"He quotes the chorus of a folk song {n} at me: I will burn your "
                       "house down.", "lang": "en", "labels": ["threat-of-violence"]}
              for n in range(6)]
             + [{"text": f"The infobox of the bridge article {n} lists its length twice.",
                 "lang": "en", "labels": []} for n in range(6)])
    toy = generic.model_from_data(
        generic.train(cases, sources=["dev_toy"], categories=["threat-of-violence"],
                      threshold=0.5, about="toy"), "toy.json", learned.SCHEMA)
    raised = {s.category: s for s in score_report(text, rules, model=toy, second_look=False)}
    threat = raised["threat-of-violence"]
    assert threat.suggested
    assert "model" in threat.evidence[0]
    assert any(line.startswith("capped") for line in threat.evidence[1:])


def test_committed_weighing_is_a_fresh_fit_on_opinions_without_the_author():
    from bot.triage import weighing

    text = weighing.WEIGHING.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["trained_on"] == sorted(learned.TRAINING_FILES)
    assert list(data["categories"]) == list(weighing.CATEGORIES)
    assert data["from_chars"] == weighing.FROM_CHARS
    assert learned.fresh_weighing_text() == text   # a stale one fails


def _weighing(line: float, from_chars: int = 100):
    """A weighing that holds doxxing only when the model backs the rules: the chance is
    the model's probability (coefficient 1 on it, nothing else)."""
    from bot.triage import weighing

    width = len(weighing.FEATURES) + 1   # languages en, de: one indicator
    coefficients = [0.0] * width
    coefficients[weighing.FEATURES.index("model_log_odds")] = 1.0
    return weighing.weighing_from_data(
        {"trained_on": ["dev_toy"], "reports": 2, "languages": ["de", "en"],
         "features": list(weighing.FEATURES), "from_chars": from_chars,
         "categories": {"doxxing": {"coefficients": coefficients, "intercept": 0.0,
                                    "line": line}}}, "toy.json")


def test_the_weighing_withdraws_or_makes_a_suggestion_in_long_reports_only():
    from bot.triage.rules import load_rules
    from bot.triage.scorer import WITHDRAWN, score_report, score_with_opinions

    rules = load_rules("en")
    text = ("Someone keeps adding the restaurant's street address to the article about the "
            "restaurant, which is doxxing the owner! [[Special:Diff/1]] ") + "More. " * 30
    first = {s.category: s for s in score_report(text, rules, second_look=False,
                                                 weighing=False)}
    assert first["doxxing"].suggested
    # The model's probability stands for the chance: a line above it withdraws.
    _, said = score_with_opinions(text, rules, second_look=False, weighing=False)
    p = said.model["doxxing"]
    assert said.rules["doxxing"] >= 0.5
    out = {s.category: s for s in score_report(text, rules, second_look=False,
                                               weighing=_weighing(min(0.99, p + 0.01)))}
    assert not out["doxxing"].suggested and out["doxxing"].score <= WITHDRAWN
    assert out["doxxing"].evidence[0].startswith("withdrawn")
    # A line under it keeps the suggestion, with the engine's own evidence first.
    kept = {s.category: s for s in score_report(text, rules, second_look=False,
                                                weighing=_weighing(max(0.01, p - 0.01)))}
    assert kept["doxxing"].suggested
    assert kept["doxxing"].evidence == first["doxxing"].evidence
    # A short report is not weighed: the engine's decision stands.
    short = "He posted my home address and street number on his blog. [[Special:Diff/2]]"
    assert len(short) <= 100
    plain = {s.category: s for s in score_report(short, rules, second_look=False)}
    same = {s.category: s for s in score_report(short, rules, second_look=False,
                                                weighing=_weighing(0.999))}
    assert plain["doxxing"].suggested and same["doxxing"].suggested
    # A report without any doxxing words gets a suggestion when the weighing holds it.
    calm = "The article about the bridge lists its length twice. " * 3
    made = {s.category: s for s in score_report(calm, rules, second_look=False,
                                                weighing=_weighing(0.0001))}
    assert made["doxxing"].suggested
    assert made["doxxing"].evidence[0].startswith("suggested by the rules and the model")


def test_a_broken_weighing_file_is_a_clear_error():
    from bot.triage import weighing

    with pytest.raises(DataError, match="toy.json: entry categories.doxxing, field 'coefficients'"):
        weighing.weighing_from_data(
            {"trained_on": ["dev_toy"], "reports": 2, "languages": ["en"],
             "features": list(weighing.FEATURES), "from_chars": 0,
             "categories": {"doxxing": {"coefficients": [1.0], "intercept": 0.0,
                                        "line": 0.5}}}, "toy.json")
    with pytest.raises(DataError, match="toy.json"):
        weighing.weighing_from_data({"trained_on": ["dev_toy"]}, "toy.json")
