"""Arabic text tools: sentences, words, matching-only normalisation, script detection,
function words (stopwords) and a light stemmer for matching."""
