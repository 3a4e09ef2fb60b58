"""Which files of a directory terraform reads: light, so discovery can ask without
importing the HCL parser."""

from __future__ import annotations

import glob
import os


def _entries(directory: str, pattern: str) -> list[str]:
    """Directory entries matching `pattern` that are not directories (terraform skips
    those; a FIFO or a link out of the repository is kept, for the reader to refuse)."""
    found = glob.glob(os.path.join(glob.escape(directory), pattern))
    return sorted(p for p in found if not os.path.isdir(p))


def tf_files(directory: str) -> list[str]:
    """The configuration files of a directory: HCL (`*.tf`) and JSON (`*.tf.json`)."""
    return sorted(_entries(directory, "*.tf") + _entries(directory, "*.tf.json"))


def tfvars_files(directory: str) -> list[str]:
    """The variable files terraform reads by itself, in its order."""
    named = _entries(directory, "terraform.tfvars") + _entries(directory, "terraform.tfvars.json")
    auto = _entries(directory, "*.auto.tfvars") + _entries(directory, "*.auto.tfvars.json")
    return named + sorted(auto)
