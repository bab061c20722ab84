"""Index: embed passages, FAISS dense + BM25 keyword indexes, fusion, the on-disk store."""
