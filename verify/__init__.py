"""verify: claim verification and source attribution for news."""
