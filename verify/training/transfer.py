"""Carry a base model to the GPU machine in int8 parts, and rebuild it there in fp16.

The GPU machine cannot reach PyPI and takes at most 64 MiB per call, while mpnet in fp16 is
219 MB. Matrices travel as int8 with one fp16 scale per GROUP columns of a row (absmax; a scale per whole
row let a few outliers cost 2-3% relative error in some matrices), everything else in fp16,
xz-compressed and split into parts that go in separate calls to the same warm machine. Only
the frozen base of a LoRA run is rebuilt this way; the adapter trained on it is applied to the
exact fp32 base when verify loads it, and its accuracy is measured again there.

    python -m verify.training.transfer pack BASE_DIR OUT_DIR --part-mb 57
    python -m verify.training.transfer unpack PART_DIR... --out BASE_DIR
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import shutil
from pathlib import Path

import torch
from safetensors.torch import load, load_file, save, save_file

from verify.training.common import WEIGHTS

MANIFEST = "transfer.json"
SCALE_SUFFIX = ".group_scale"
GROUP = 64
MIN_QUANTIZED = 65_536  # smaller tensors (biases, norms) travel in fp16


def quantize(weights: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    packed = {}
    for name, tensor in weights.items():
        quantizable = tensor.ndim == 2 and tensor.shape[1] % GROUP == 0 and tensor.numel() >= MIN_QUANTIZED
        if tensor.is_floating_point() and quantizable:
            groups = tensor.float().reshape(tensor.shape[0], -1, GROUP)
            scale = (groups.abs().amax(dim=2, keepdim=True).clamp(min=1e-8) / 127).to(torch.float16)
            packed[name] = torch.round(groups / scale.float()).clamp(-127, 127).to(torch.int8).reshape(tensor.shape)
            packed[name + SCALE_SUFFIX] = scale.squeeze(2)
        else:
            packed[name] = tensor.to(torch.float16) if tensor.is_floating_point() else tensor
    return packed


def dequantize(packed: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    weights = {}
    for name, tensor in packed.items():
        if name.endswith(SCALE_SUFFIX):
            continue
        scale = packed.get(name + SCALE_SUFFIX)
        if scale is None:
            weights[name] = tensor
            continue
        groups = tensor.float().reshape(tensor.shape[0], -1, GROUP) * scale.float()[:, :, None]
        weights[name] = groups.reshape(tensor.shape).to(torch.float16)
    return weights


def pack(base_dir: Path, out_dir: Path, part_bytes: int) -> dict:
    """OUT_DIR/part-K/: slices of at most part_bytes of the compressed int8 weights; part-0 also
    holds the config and tokenizer files and the manifest (sha256 of the whole, largest rounding error)."""
    weights = load_file(base_dir / WEIGHTS)
    packed = quantize(weights)
    error = max(
        ((weights[name].float() - tensor.float()).abs().max().item() for name, tensor in dequantize(packed).items()),
        default=0.0,
    )
    blob = lzma.compress(save(packed), preset=6)
    size = part_bytes
    parts = -(-len(blob) // size)
    for index in range(parts):
        part = out_dir / f"part-{index}"
        part.mkdir(parents=True, exist_ok=True)
        (part / "weights.int8.xz.part").write_bytes(blob[index * size : (index + 1) * size])
    manifest = {
        "base": base_dir.name,
        "parts": parts,
        "bytes": len(blob),
        "sha256": hashlib.sha256(blob).hexdigest(),
        "max_abs_rounding_error": error,
    }
    first = out_dir / "part-0"
    for path in base_dir.iterdir():
        if path.is_file() and path.name != WEIGHTS and path.suffix in (".json", ".txt"):
            shutil.copy2(path, first / path.name)
    (first / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def unpack(part_dirs: list[Path], out_dir: Path) -> Path:
    """Rebuild the base (fp16 safetensors and its files) from all parts, in any order."""
    first = next((p for p in part_dirs if (p / MANIFEST).exists()), None)
    if first is None:
        raise FileNotFoundError(f"no {MANIFEST} among {part_dirs}")
    manifest = json.loads((first / MANIFEST).read_text())
    ordered = sorted(part_dirs, key=lambda p: int(p.name.rsplit("-", 1)[1]))
    if len(ordered) != manifest["parts"]:
        raise ValueError(f"{len(ordered)} parts given, the manifest lists {manifest['parts']}")
    blob = b"".join((p / "weights.int8.xz.part").read_bytes() for p in ordered)
    if hashlib.sha256(blob).hexdigest() != manifest["sha256"]:
        raise ValueError("the parts do not add up to the packed weights (sha256 differs)")
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(dequantize(load(lzma.decompress(blob))), out_dir / WEIGHTS, metadata={"format": "pt"})
    for path in first.iterdir():
        if path.name not in (MANIFEST, "weights.int8.xz.part"):
            shutil.copy2(path, out_dir / path.name)
    return out_dir


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    pack_parser = commands.add_parser("pack")
    pack_parser.add_argument("base", type=Path)
    pack_parser.add_argument("out", type=Path)
    pack_parser.add_argument("--part-mb", type=float, default=57.0, help="largest part, in MB (10**6 bytes)")
    unpack_parser = commands.add_parser("unpack")
    unpack_parser.add_argument("parts", type=Path, nargs="+")
    unpack_parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "pack":
        print(json.dumps(pack(args.base, args.out, int(args.part_mb * 1e6))))
    else:
        print(json.dumps({"unpacked": str(unpack(args.parts, args.out))}))


if __name__ == "__main__":
    main()
