"""Arabic text tools: sentences, words, matching-only normalisation, script detection."""
