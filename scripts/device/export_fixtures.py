"""Export small real ONNX fixtures with torch.onnx (legacy TorchScript exporter and, when available, dynamo).

Run on a machine with PyTorch: python3 scripts/device/export_fixtures.py OUT_DIR
Random weights, fixed seeds; files are small (weights only; the seed-003 input shape is metadata).
"""
import os
import sys

import torch
import torch.nn as nn

out = sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/onnx"
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)


class Seed003(nn.Module):
    """The model of seed 003: three 3x3 convs, 16 channels, bias, padding 1."""

    def __init__(self, n_feats=16, kernel_size=3):
        super().__init__()
        self.conv1 = nn.Conv2d(n_feats, n_feats, kernel_size, padding=kernel_size // 2, bias=True)
        self.conv2 = nn.Conv2d(n_feats, n_feats, kernel_size, padding=kernel_size // 2, bias=True)
        self.conv3 = nn.Conv2d(n_feats, n_feats, kernel_size, padding=kernel_size // 2, bias=True)

    def forward(self, x):
        return self.conv3(self.conv2(self.conv1(x)))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)) + x)


class ResNetLike(nn.Module):
    """1x1 convs at 160 and 288 channels with BN, residual Add and Relu, like seed 000's layers."""

    def __init__(self):
        super().__init__()
        self.b1 = Block(160)
        self.up = nn.Conv2d(160, 288, 1, bias=True)
        self.b2 = Block(288)

    def forward(self, x):
        return self.b2(torch.relu(self.up(self.b1(x))))


class Head(nn.Module):
    """Shape-inference exercise: ConvTranspose, Resize, pooling, flatten, Gemm, Softmax."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.deconv = nn.ConvTranspose2d(8, 8, 2, stride=2)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 8 * 8, 10)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        y = self.deconv(y)
        y = nn.functional.interpolate(y, scale_factor=2.0, mode="nearest")
        y = self.pool(y)
        y = nn.functional.adaptive_avg_pool2d(y, (8, 8))
        y = torch.flatten(y, 1)
        return torch.softmax(self.fc(y), dim=1)


def export(model, example, name, dynamo):
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
    path = os.path.join(out, name)
    kwargs = dict(input_names=["input"], output_names=["output"], opset_version=17)
    if dynamo:
        torch.onnx.export(model, (example,), path, dynamo=True, **kwargs)
    else:
        torch.onnx.export(model, (example,), path, dynamo=False, **kwargs)
    print("exported", path, os.path.getsize(path), "bytes", "dynamo" if dynamo else "torchscript")


export(Seed003(), torch.randn(1, 16, 1920, 1080), "seed003-torchscript.onnx", False)
export(ResNetLike(), torch.randn(1, 160, 16, 30), "resnet-like-torchscript.onnx", False)
export(Head(), torch.randn(1, 3, 32, 32), "head-torchscript.onnx", False)
for model, example, name in [(Seed003(), torch.randn(1, 16, 1920, 1080), "seed003-dynamo.onnx"), (Head(), torch.randn(1, 3, 32, 32), "head-dynamo.onnx")]:
    try:
        export(model, example, name, True)
    except Exception as error:  # the dynamo exporter needs onnxscript; record why it failed
        print("dynamo export failed for", name, type(error).__name__, str(error)[:300])
print("torch", torch.__version__)
