"""Chat: answers built from quoted sentences, citations, the CLI and the Gradio UI."""
