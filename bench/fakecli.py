"""``sousei`` with the tests' fake encoder instead of the real model (quick benchmark runs only).

python -m bench.fakecli ask --index DIR "問題"
"""

from __future__ import annotations

import sys


def install_fake_encoder() -> None:
    """Make the loaders chat.engine looks up at call time return the fake encoder."""
    import index.model.factory
    from bench.encoders import fake_encoder

    def load(model, cache_dir, progress=None, query_encoder=None):
        return fake_encoder()

    index.model.factory.load_query_encoder = load
    index.model.factory.load_passage_encoder = load


def main(argv: list[str] | None = None) -> int:
    install_fake_encoder()
    from chat.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
