"""``sousei`` with the tests' fake encoder instead of the real model (quick benchmark runs only).

    python -m bench.fakecli ask --index DIR "問題"
"""
from __future__ import annotations

import sys


def install_fake_encoder() -> None:
    """Make the loaders chat.service looks up at call time return the fake encoder."""
    import index.embed
    import index.fast_e5
    from bench.encoders import fake_encoder

    def load(model, cache_dir, progress=None):
        return fake_encoder()

    index.embed.load_encoder = load
    index.fast_e5.load_serving_encoder = load


def main(argv: list[str] | None = None) -> int:
    install_fake_encoder()
    from chat.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
