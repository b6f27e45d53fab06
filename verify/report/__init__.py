"""Rendering a report (text, Markdown, HTML, JSON, JSONL, CSV) and a corpus; nothing here decides a finding."""
