#!/usr/bin/env bash
# tensorrt-node: build NVIDIA's trtexec sample (Apache-2.0) against the TensorRT libs in deps/
# and the CUDA 13 runtime, with g++ directly (no cmake, no CUDA toolkit, no GPU needed).
#
#   scripts/trtexec/build.sh <tensorrt-version> <out-dir>
#   e.g. scripts/trtexec/build.sh 10.6.0 /work/main/deps/trtexec/10.6.0
#
# Env:
#   TRTN_TENSORRT_REPO  git mirror of github.com/NVIDIA/TensorRT (default /work/.mirror/NVIDIA+TensorRT/repo)
#   TRTN_DEPS           deps folder (default: <repo>/deps)
#   TRTN_TRT_ROOT       TensorRT root with include/ and lib/ (default $TRTN_DEPS/tensorrt-<version>)
#   TRTN_CUDA_INCLUDE   CUDA runtime headers (default $TRTN_DEPS/cuda/include)
#   TRTN_CUDART_WHEEL   nvidia-cuda-runtime 13 wheel (default $TRTN_DEPS/wheels/nvidia_cuda_runtime-13*.whl)
#   JOBS                parallel compiles (default nproc)
#
# NVIDIA sources are only extracted into a scratch dir; the only things kept in this repo
# are our own sed patches (below), compat/cuda_profiler_api.h and trtn_trtexec_stubs.cpp.
set -euo pipefail

VER=${1:?usage: build.sh <tensorrt-version> <out-dir>}
OUT=${2:?usage: build.sh <tensorrt-version> <out-dir>}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REPO=${TRTN_TENSORRT_REPO:-/work/.mirror/NVIDIA+TensorRT/repo}
DEPS=${TRTN_DEPS:-$ROOT/deps}
TRT=${TRTN_TRT_ROOT:-$DEPS/tensorrt-$VER}
CUDA_INC=${TRTN_CUDA_INCLUDE:-$DEPS/cuda/include}
# cuda_fp16.h needs <nv/target> from CCCL (nvidia-cuda-cccl wheel, extracted here if missing)
CCCL_INC=${TRTN_CCCL_INCLUDE:-$DEPS/cuda/cccl}
MAJOR=${VER%%.*}
JOBS=${JOBS:-$(nproc)}

[ -f "$TRT/include/NvInfer.h" ] || { echo "no TensorRT headers in $TRT/include" >&2; exit 1; }
[ -f "$TRT/lib/libnvinfer.so.$MAJOR" ] || { echo "no libnvinfer.so.$MAJOR in $TRT/lib" >&2; exit 1; }
[ -f "$CUDA_INC/cuda_runtime_api.h" ] || { echo "no CUDA headers in $CUDA_INC" >&2; exit 1; }

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/trtn-trtexec-$VER.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
SRC=$SCRATCH/src
mkdir -p "$SRC" "$SCRATCH/obj" "$SCRATCH/link" "$OUT"

echo "== extracting samples/common + samples/trtexec of v$VER from $REPO"
# 10.x also needs samples/utils (timingCache, fileLock); 8.6 has no samples/utils
PATHS=(samples/common samples/trtexec)
git -C "$REPO" cat-file -e "v$VER:samples/utils" 2>/dev/null && PATHS+=(samples/utils)
git -C "$REPO" archive "v$VER" "${PATHS[@]}" | tar -x -C "$SRC"
C=$SRC/samples/common
T=$SRC/samples/trtexec

echo "== patching for CUDA 13"
# 1. cudaDeviceProp::clockRate / memoryClockRate were removed in CUDA 13 -> query the attributes.
for f in "$C/sampleDevice.cpp" "$C/sampleDevice.h"; do
  [ -f "$f" ] || continue
  sed -i \
    -e 's|properties\.clockRate / 1000000\.0F|[\&]{ int v = 0; cudaDeviceGetAttribute(\&v, cudaDevAttrClockRate, device); return v; }() / 1000000.0F|' \
    -e 's|properties\.memoryClockRate / 1000000\.0F|[\&]{ int v = 0; cudaDeviceGetAttribute(\&v, cudaDevAttrMemoryClockRate, device); return v; }() / 1000000.0F|' \
    "$f"
done
# 2. cudaGraphInstantiate(exec, graph, errNode, logBuf, bufSize) is gone since CUDA 12 -> (exec, graph, flags).
sed -i -e 's|cudaGraphInstantiate(&mGraphExec, mGraph, nullptr, nullptr, 0)|cudaGraphInstantiate(\&mGraphExec, mGraph, 0)|' \
  "$C/sampleDevice.h" "$C/safeCommon.h"
if grep -n 'clockRate\b\|memoryClockRate\b' "$C"/sampleDevice.* | grep -v cudaDevAttr; then
  echo "clockRate patch did not apply" >&2; exit 1
fi

if [ ! -f "$CCCL_INC/nv/target" ]; then
  CW=$(ls "$DEPS"/wheels/nvidia_cuda_cccl-13*.whl | head -1)
  python3 -m zipfile -e "$CW" "$SCRATCH/cccl"
  mkdir -p "$CCCL_INC" && cp -r "$SCRATCH/cccl/nvidia/cu13/include/nv" "$CCCL_INC/"
fi

echo "== compiling"
SOURCES=()
for s in sampleDevice sampleEngines sampleInference sampleOptions sampleReporting sampleUtils bfloat16 logger; do
  [ -f "$C/$s.cpp" ] && SOURCES+=("$C/$s.cpp")
done
for s in timingCache fileLock; do
  [ -f "$SRC/samples/utils/$s.cpp" ] && SOURCES+=("$SRC/samples/utils/$s.cpp")
done
SOURCES+=("$T/trtexec.cpp" "$HERE/trtn_trtexec_stubs.cpp")
CXXFLAGS=(-O2 -std=c++17 -fPIC -w -DTRT_STATIC=1 -DNDEBUG
  -I"$TRT/include" -I"$C" -I"$SRC/samples" -I"$CUDA_INC" -I"$CCCL_INC" -I"$HERE/compat")
printf '%s\n' "${SOURCES[@]}" | xargs -P "$JOBS" -I{} sh -c \
  'g++ "$@" -c "$0" -o "'"$SCRATCH"'/obj/$(basename "$0" .cpp).o"' {} "${CXXFLAGS[@]}"

echo "== linking"
# Unversioned .so links for -l, pointing at the versioned libs (the binary NEEDs the versioned sonames).
L=$SCRATCH/link
ln -s "$TRT/lib/libnvinfer.so.$MAJOR" "$L/libnvinfer.so"
ln -s "$TRT/lib/libnvonnxparser.so.$MAJOR" "$L/libnvonnxparser.so"
WHEEL=${TRTN_CUDART_WHEEL:-$(ls "$DEPS"/wheels/nvidia_cuda_runtime-13*.whl | head -1)}
CUDART_DIR=$DEPS/cuda/lib
if [ ! -f "$CUDART_DIR/libcudart.so.13" ]; then
  python3 -m zipfile -e "$WHEEL" "$SCRATCH/wheel"
  mkdir -p "$CUDART_DIR"
  cp "$SCRATCH/wheel/nvidia/cu13/lib/libcudart.so.13" "$CUDART_DIR/"
fi
ln -s "$CUDART_DIR/libcudart.so.13" "$L/libcudart.so"
# -rpath-link: libnvonnxparser.so.N NEEDs libnvinfer_plugin.so.N (8.x: which NEEDs cuBLAS/cuDNN 12),
# which we do not want at link time; --allow-shlib-undefined keeps ld from chasing them.
g++ -o "$OUT/trtexec" "$SCRATCH"/obj/*.o -L"$L" \
  -Wl,--no-as-needed -lnvinfer -lnvonnxparser -lcudart -Wl,--as-needed \
  -Wl,--allow-shlib-undefined -Wl,-rpath-link,"$TRT/lib" -ldl -lpthread
strip "$OUT/trtexec"
echo "== built $OUT/trtexec ($(stat -c %s "$OUT/trtexec") bytes)"
readelf -d "$OUT/trtexec" | grep -E 'NEEDED|RPATH|RUNPATH'
