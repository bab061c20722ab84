"""``sousei`` with the tests' fake encoder instead of the real model (quick benchmark runs only).

    python -m bench.fakecli ask --index DIR "問題"
"""
from __future__ import annotations

import sys


def install_fake_encoder() -> None:
    """Make ``index.embed.load_encoder`` (looked up at call time by chat.service) return the fake."""
    import index.embed
    from bench.encoders import fake_encoder

    index.embed.load_encoder = lambda model, cache_dir, progress=None: fake_encoder()


def main(argv: list[str] | None = None) -> int:
    install_fake_encoder()
    from chat.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
