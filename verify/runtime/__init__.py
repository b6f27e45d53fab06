"""The runtime: spaCy, the NLI and embedding models, where the shipped models and their bases are, and how
they run on this machine (precision, int8, the allocator). Nothing here knows about articles or claims."""
