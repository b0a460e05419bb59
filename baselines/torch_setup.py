"""Device choice, seeding and threads for the torch methods (one place, so both agree)."""

from __future__ import annotations

import contextlib
import random
from typing import Any


def torch_threads(threads: int | None) -> None:
    """Cap intra-op threads (workers share CPUs with other jobs); None keeps torch's default."""
    import torch

    if threads:
        torch.set_num_threads(int(threads))


def pick_device(name: str | None = "auto") -> Any:
    """ "auto" -> cuda when available, else mps, else cpu; an explicit name is taken as given."""
    import torch

    if name and name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def device_name(device: Any) -> str:
    import torch

    if device.type == "cuda":
        return f"cuda:{torch.cuda.get_device_name(device)}"
    return device.type


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device


def autocast(device: Any, enabled: bool = True) -> contextlib.AbstractContextManager[Any]:
    """bf16 autocast on CUDA GPUs that support it; plain fp32 elsewhere.

    bf16 keeps fp32's exponent range, so no loss scaler is needed (unlike fp16).
    """
    import torch

    if enabled and device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()
