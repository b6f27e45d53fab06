"""Input and output: reading articles and claims (text, HTML, JSONL, datasets) and writing results
without losing what the user gave."""
