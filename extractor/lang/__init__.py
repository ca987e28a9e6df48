"""Characters, numerals, the lexicon, segmentation and the spaCy layer: what every stage reads text with."""
