"""Probe pairs: six news NLI pairs every NLI model is read on (in training logs, model cards and tests).

None of them (nor a near copy) is in the training data: `training.nli_data` records the nearest
training pair to each in the mix's `mix.json`. Import-light (no torch), so any tool can use it.
"""

PROBE_PAIRS: list[tuple[str, str, str]] = [  # (premise, hypothesis, expected label)
    (
        "They had also taken five planes at Almaty's airport.",
        "The airport had been cleared of demonstrators and was operating smoothly.",
        "contradiction",
    ),
    (
        "The turmoil claimed the lives of eight police officers and national guard soldiers.",
        "Eight security officers died.",
        "entailment",
    ),
    ("The company had no plans to close the plant.", "The plant will shut by March.", "contradiction"),
    ("Eight people were killed in the blast.", "Twelve people died in the explosion.", "contradiction"),
    ("The minister spoke to reporters on Tuesday.", "The minister resigned.", "neutral"),
    (
        "The airport had been cleared of demonstrators and was operating smoothly.",
        "There were no civilian casualty statistics provided.",
        "neutral",
    ),
]
