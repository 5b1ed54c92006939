"""News feeds into the newsroom: parsing, keys that recognise a story, filters, polling."""
