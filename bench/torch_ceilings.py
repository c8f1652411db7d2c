"""Measure this GPU's ceilings with PyTorch (no TensorRT needed) and time seed 003's convs in cuDNN.

Prints figures and ratios; never asserts. python3 bench/torch_ceilings.py [OUT_JSON]
Figures: device-to-device copy bandwidth (bytes read + written), dense FP16 GEMM TFLOP/s, 2:4 sparse FP16 GEMM
TFLOP/s (torch semi-structured sparsity, cuSPARSELt/CUTLASS), and the three 3x3 16-channel convs of seed 003 on
1x16x1920x1080 in NCHW and channels-last (NHWC) FP16, plus the C=64 variant the forum advice suggested.
"""
import json
import sys

import torch

assert torch.cuda.is_available(), "needs a CUDA GPU"
dev = torch.device("cuda")
props = torch.cuda.get_device_properties(0)
result = {"gpu": props.name, "sm_count": props.multi_processor_count, "torch": torch.__version__, "cuda": torch.version.cuda,
          "cudnn": torch.backends.cudnn.version()}


def time_ms(fn, warmup=10, iters=50):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


# Copy bandwidth: 1 GiB buffer, count bytes read + written.
n = 1 << 28
a = torch.empty(n, dtype=torch.float32, device=dev).uniform_()
b = torch.empty_like(a)
ms = time_ms(lambda: b.copy_(a))
result["copy_GBs"] = 2 * a.numel() * 4 / (ms * 1e-3) / 1e9
del a, b

# Dense FP16 GEMM.
m = k = nn_ = 8192
x = torch.randn(m, k, dtype=torch.float16, device=dev)
w = torch.randn(nn_, k, dtype=torch.float16, device=dev)
ms = time_ms(lambda: torch.nn.functional.linear(x, w))
result["fp16_dense_TFLOPs"] = 2 * m * nn_ * k / (ms * 1e-3) / 1e12

# 2:4 sparse FP16 GEMM (effective: counting the skipped zeros, as datasheets do).
try:
    from torch.sparse import to_sparse_semi_structured
    mask = torch.tensor([1, 1, 0, 0], dtype=torch.bool, device=dev).tile(nn_, k // 4)
    ws = to_sparse_semi_structured(w * mask)
    ms_sparse = time_ms(lambda: torch.nn.functional.linear(x, ws))
    result["fp16_sparse_TFLOPs"] = 2 * m * nn_ * k / (ms_sparse * 1e-3) / 1e12
except Exception as error:
    result["fp16_sparse_error"] = f"{type(error).__name__}: {error}"[:300]
del x, w

# Seed 003 convs.
torch.backends.cudnn.benchmark = True
conv_rows = []
for channels, layers in [(16, 3), (64, 1)]:
    for layout in ["nchw", "nhwc"]:
        conv = torch.nn.Conv2d(channels, channels, 3, padding=1, bias=True).to(dev).half()
        inp = torch.randn(1, channels, 1920, 1080, device=dev, dtype=torch.float16)
        if layout == "nhwc":
            conv = conv.to(memory_format=torch.channels_last)
            inp = inp.contiguous(memory_format=torch.channels_last)
        with torch.no_grad():
            ms = time_ms(lambda: conv(inp))
        flops = 2 * 1920 * 1080 * 9 * channels * channels
        bytes_moved = 2 * inp.numel() * 2 + conv.weight.numel() * 2
        conv_rows.append({"channels": channels, "layout": layout, "ms_per_layer": ms, "layers_in_model": layers,
                          "flops": flops, "bytes": bytes_moved, "TFLOPs": flops / (ms * 1e-3) / 1e12,
                          "GBs": bytes_moved / (ms * 1e-3) / 1e9, "intensity": flops / bytes_moved})
        del conv, inp
result["seed003_convs"] = conv_rows

print(json.dumps(result, indent=1))
peak = result["fp16_dense_TFLOPs"]
for row in conv_rows:
    print(f"C={row['channels']:3d} {row['layout']}: {row['ms_per_layer']:.3f} ms/layer, {row['TFLOPs']:.1f} TFLOP/s "
          f"= {100 * row['TFLOPs'] / peak:.1f}% of measured dense peak, {row['GBs']:.0f} GB/s = "
          f"{100 * row['GBs'] / result['copy_GBs']:.0f}% of measured copy bandwidth, intensity {row['intensity']:.0f} FLOP/B")
if len(sys.argv) > 1:
    with open(sys.argv[1], "w") as f:
        json.dump(result, f, indent=1)
