"""The built models (segmenter dictionary, spaCy pipeline, classifiers), shipped as the package
data ``extractor._models``: pyproject.toml maps that name onto this folder, so the wheel holds the
files inside the package and an editable install reads them here. Found through
``extractor.resources.models_dir()``; rebuilt by ``make models``."""
