"""Similar questions: a pure, portable score over normalised words and trigrams."""

import pytest

from cslab.questions import similarity
from cslab.questions.similarity import Candidate, rank_similar

ASKED = "Is the air in Leiden-Noord bad for children's lungs?"


def test_normalising_drops_case_accents_and_punctuation() -> None:
    assert similarity.normalise("Café  Ëlise's — ZOMER?") == "cafe elise s zomer"


def test_keywords_leave_out_stop_words_and_join_plurals() -> None:
    assert similarity.keywords("Where do the bees go in winter?") == {"bee", "winter"}
    assert similarity.keywords("Which bee species?") >= {"bee"}


def test_the_same_question_in_other_words_is_found_first() -> None:
    candidates = [
        Candidate(1, "When do bees visit lavender?"),
        Candidate(2, "Does air pollution in Leiden Noord harm children's lungs?"),
        Candidate(3, "How polluted is the air children breathe in Leiden?"),
    ]
    matches = rank_similar(ASKED, candidates)
    assert [match.id for match in matches] == [2, 3]
    assert matches[0].score > matches[1].score


def test_an_identical_question_scores_one() -> None:
    assert similarity.similarity(ASKED, ASKED.upper()) == pytest.approx(1.0)


def test_unrelated_questions_are_not_suggested() -> None:
    assert rank_similar(ASKED, [Candidate(1, "Which birds nest in the dunes?")]) == []


@pytest.mark.parametrize("text", ["", "?", "is it the"])
def test_text_without_meaningful_words_suggests_nothing(text: str) -> None:
    assert rank_similar(text, [Candidate(1, "Is it the air?")]) == []


def test_at_most_limit_matches_come_back_ties_by_id() -> None:
    candidates = [Candidate(number, "Are hedgehogs in Leiden parks?") for number in (5, 3, 4)]
    matches = rank_similar("Hedgehogs in Leiden parks?", candidates, limit=2)
    assert [match.id for match in matches] == [3, 4]


def test_search_terms_prefer_long_words_cut_to_five_letters() -> None:
    assert similarity.search_terms("Is pollution in the river bad?") == ["pollu", "river", "bad"]
    assert similarity.search_terms("the of and") == []
