import numpy as np
import pytest

from verify.runtime.embed import load_embedder


@pytest.fixture(scope="module")
def embedder():
    return load_embedder()


PARAPHRASES = [
    (
        "Eight people were killed in the blast near the central market.",
        "The explosion by the main market left eight people dead.",
        "The central bank kept interest rates unchanged on Thursday.",
    ),
    (
        "The president said five planes had been seized at Almaty airport.",
        "According to the president, five aircraft were captured at the airport in Almaty.",
        "Heavy snowfall closed schools across the northern region.",
    ),
    (
        "The deputy mayor said the airport was operating smoothly.",
        "Flights at the airport were running normally, the deputy mayor said.",
        "The football club announced the signing of a new striker.",
    ),
    (
        "Protesters set fire to the city administration building.",
        "Demonstrators torched the municipal government offices.",
        "The company reported a rise in quarterly profits.",
    ),
    (
        "The government declared a two-week state of emergency.",
        "A state of emergency lasting two weeks was imposed by the authorities.",
        "Scientists discovered a new species of frog in the rainforest.",
    ),
]


@pytest.mark.parametrize(("sentence", "paraphrase", "unrelated"), PARAPHRASES)
def test_paraphrase_is_closer_than_unrelated_news(embedder, sentence, paraphrase, unrelated):
    vectors = embedder.encode([sentence, paraphrase, unrelated])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_vectors_are_unit_float32_rows_in_input_order(embedder):
    texts = [s for row in PARAPHRASES for s in row]
    vectors = embedder.encode(texts)
    assert vectors.shape == (len(texts), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Each row matches the sentence encoded alone: sorting and padding don't leak.
    for index in (0, 4, len(texts) - 1):
        np.testing.assert_allclose(vectors[index], embedder.encode([texts[index]])[0], atol=1e-5)


def test_empty_input_gives_empty_matrix(embedder):
    assert embedder.encode([]).shape == (0, 384)


def test_embedder_is_loaded_once():
    assert load_embedder() is load_embedder()


def test_matches_sentence_transformers_reference_vector(embedder):
    # First components sentence-transformers gives for this sentence with all-MiniLM-L6-v2.
    vector = embedder.encode(["This is an example sentence"])[0]
    np.testing.assert_allclose(vector[:4], [0.0676569, 0.0634959, 0.0487131, 0.0793050], atol=1e-5)
