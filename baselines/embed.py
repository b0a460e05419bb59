"""Sentence embeddings from a local encoder: pooled token states, L2-normalised.

Pooling follows the sentence-transformers folder layout when present (``1_Pooling/config.json``:
mean or CLS), so all-MiniLM-L6-v2 is used the way it was trained (mean pooling).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from baselines.models import offline, quiet_transformers, resolve_model_path
from baselines.torch_setup import autocast, pick_device, torch_threads
from baselines.transformer.data import eval_batches


def pooling_mode(model_path: Path) -> str:
    config = model_path / "1_Pooling" / "config.json"
    if config.is_file():
        with open(config, encoding="utf-8") as fh:
            if json.load(fh).get("pooling_mode_cls_token"):
                return "cls"
    return "mean"


class Encoder:
    def __init__(
        self, model: Path | None, device: str = "auto", params: dict[str, Any] | None = None
    ):
        offline()
        from transformers import AutoModel, AutoTokenizer

        params = params or {}
        torch_threads(params.get("threads"))
        path = resolve_model_path(model)
        self.device = pick_device(device)
        quiet_transformers()
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModel.from_pretrained(path, local_files_only=True).to(self.device).eval()
        self.pooling = pooling_mode(path)
        self.batch_size = int(params.get("eval_batch_size", 64))
        self.max_length = int(params.get("max_length", 128))

    def encode(self, texts: list[str]) -> Any:
        """(n, dim) float32 numpy array of unit vectors, in the order of ``texts``."""
        import numpy as np
        import torch

        enc = self.tokenizer(texts, truncation=True, max_length=self.max_length)
        lengths = [len(ids) for ids in enc["input_ids"]]
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for idx in eval_batches(lengths, self.batch_size):
                batch = self.tokenizer.pad(
                    {k: [enc[k][i] for i in idx] for k in enc}, return_tensors="pt"
                ).to(self.device)
                with autocast(self.device):
                    states = self.model(**batch).last_hidden_state.float()
                if self.pooling == "cls":
                    pooled = states[:, 0]
                else:
                    mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
                    pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[idx] = pooled.cpu().numpy()
        return out
