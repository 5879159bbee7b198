"""The same entry point as 2 CPU processes (torchrun, gloo): evaluation metrics equal the 1-process
ones on an odd-sized evaluation set, and DDP keeps the two processes' weights identical."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "distributed_eval_script.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.multiprocess
def test_two_process_evaluation_equals_one_process(tiny_bert_dir, tmp_path):
    from distributed_eval_script import run

    out = tmp_path / "two.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port",
           str(free_port()), str(SCRIPT), str(tiny_bert_dir), str(out)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    two = json.loads(out.read_text())
    one = run(str(tiny_bert_dir))

    assert two["num_processes"] == 2 and "MULTI_CPU" in two["distributed_type"]
    assert one["num_processes"] == 1
    assert two["eval"]["eval_samples"] == one["eval"]["eval_samples"] == 37
    assert two["eval"] == pytest.approx(one["eval"], abs=1e-6)
    # training: each process takes its own batches; DDP keeps the replicas equal
    assert two["global_step"] == 6 and one["global_step"] == 12
    assert two["checksums"][0] == pytest.approx(two["checksums"][1], abs=1e-9)
    assert two["train_eval"]["eval_samples"] == 37
