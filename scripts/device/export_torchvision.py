"""Export a torchvision model with random weights to ONNX, for the real-output corpus and the benchmarks.

    python3 scripts/device/export_torchvision.py OUT.onnx [resnet18] [batch=1] [size=224]

Random weights under a fixed seed (nothing is downloaded: the GPU box has no network). The legacy TorchScript
exporter gives plain Conv/Relu/Add node names like the ones users paste from trtexec; dynamo is the fallback.
"""
import sys

import torch
import torchvision

out = sys.argv[1]
name = sys.argv[2] if len(sys.argv) > 2 else "resnet18"
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 1
size = int(sys.argv[4]) if len(sys.argv) > 4 else 224
torch.manual_seed(0)
model = getattr(torchvision.models, name)(weights=None).eval()
example = torch.randn(batch, 3, size, size)
try:
    torch.onnx.export(model, (example,), out, input_names=["input"], output_names=["output"], opset_version=17, dynamo=False)
except Exception as error:  # noqa: BLE001 - the legacy exporter may be gone in newer torch
    print(f"export_torchvision: TorchScript exporter failed ({error}); using dynamo", file=sys.stderr)
    torch.onnx.export(model, (example,), out, input_names=["input"], output_names=["output"], opset_version=17, dynamo=True, external_data=False)
print(f"export_torchvision: {name} batch {batch} {size}x{size} -> {out}")
