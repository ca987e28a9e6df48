"""What each figure is about: categories, the taxonomy, named spans, the classifiers."""
