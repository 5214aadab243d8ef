"""Write a GitOps tree as `netkit synth` does, from a JSON file of {path: text}.

Usage: ``python tests/write_and_announce.py OUT FILES.json``. Prints ``writing`` just before the
write starts, so tests/test_writer_hardening.py can kill it at random points of the write.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from netkit.gitops import writer


def main() -> None:
    out, source = Path(sys.argv[1]), Path(sys.argv[2])
    files = {path: text.encode() for path, text in json.loads(source.read_text()).items()}
    print("writing", flush=True)
    writer.write(out, files)


if __name__ == "__main__":
    main()
