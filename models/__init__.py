"""The shipped models, as package data: installed as `verify.shipped_models` (see verify/runtime/models.py)."""
