#!/usr/bin/env bash
# tensorrt-node: lay out deps/tensorrt-<version>/{include,lib} for scripts/trtexec/build.sh on a fresh checkout.
#
#   scripts/trtexec/prepare-deps.sh <tensorrt-version>        # 10.6.0 or 8.6.1
#
# include/: `git archive v<version> include` of the NVIDIA/TensorRT mirror, plus NvOnnxParser.h, which before 10.14
# lived in the onnx/onnx-tensorrt submodule (parsers/onnx): taken at the submodule's commit when the onnx-tensorrt
# mirror has it (8.6.1 does), otherwise from the first NVIDIA/TensorRT tag whose include/ holds it (v10.14), whose
# IParser has 10.6's virtual functions in the same order with newer ones appended (10.x keeps the parser ABI
# forward-compatible; trtexec 10.6 calls only 10.6's). lib/: the libraries trtexec links (NEEDED), from the Maven
# jar that `node scripts/bundle/tensorrt-maven.mjs fetch <version>` left in deps/jars/.
# Env: TRTN_TENSORRT_REPO (default /work/.mirror/NVIDIA+TensorRT/repo), TRTN_ONNX_TENSORRT_REPO (default
# /work/.mirror/onnx+onnx-tensorrt/repo). Nothing here is ever committed (deps/ is git-ignored).
set -euo pipefail

VER=${1:?usage: prepare-deps.sh <tensorrt-version>}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REPO=${TRTN_TENSORRT_REPO:-/work/.mirror/NVIDIA+TensorRT/repo}
ONNX_REPO=${TRTN_ONNX_TENSORRT_REPO:-/work/.mirror/onnx+onnx-tensorrt/repo}
MAJOR=${VER%%.*}
DEST=$ROOT/deps/tensorrt-$VER
case $VER in
  10.6.0) JAR=tensorrt-10.6-1.5.11; LIBS=(libnvinfer.so.10 libnvonnxparser.so.10) ;;
  8.6.1) JAR=tensorrt-8.6-1.5.10; LIBS=(libnvinfer.so.8 libnvonnxparser.so.8 libnvinfer_plugin.so.8) ;;
  *) echo "prepare-deps: no recipe for $VER (10.6.0 or 8.6.1)" >&2; exit 2 ;;
esac
JARFILE=$ROOT/deps/jars/$JAR-linux-x86_64-redist.jar
[ -f "$JARFILE" ] || { echo "prepare-deps: no $JARFILE (run: node scripts/bundle/tensorrt-maven.mjs fetch $VER)" >&2; exit 1; }
git -C "$REPO" rev-parse -q --verify "v$VER^{commit}" > /dev/null || { echo "prepare-deps: $REPO has no tag v$VER (fetch github:NVIDIA/TensorRT)" >&2; exit 1; }

mkdir -p "$DEST/include" "$DEST/lib"
git -C "$REPO" archive "v$VER" include | tar -x -C "$DEST"
if [ ! -f "$DEST/include/NvOnnxParser.h" ]; then
  submodule=$(git -C "$REPO" ls-tree "v$VER" parsers/onnx | awk '{print $3}')
  if [ -n "$submodule" ] && git -C "$ONNX_REPO" cat-file -e "$submodule:NvOnnxParser.h" 2>/dev/null; then
    git -C "$ONNX_REPO" show "$submodule:NvOnnxParser.h" > "$DEST/include/NvOnnxParser.h"
    echo "NvOnnxParser.h: onnx-tensorrt $submodule (the v$VER submodule commit)"
  elif [ "$MAJOR" = 10 ]; then
    git -C "$REPO" show v10.14:include/NvOnnxParser.h > "$DEST/include/NvOnnxParser.h"
    echo "NvOnnxParser.h: NVIDIA/TensorRT v10.14 include/ (the onnx-tensorrt mirror lacks $submodule; same IParser slots, newer ones appended)"
  else
    echo "prepare-deps: no NvOnnxParser.h for $VER (onnx-tensorrt mirror lacks $submodule; fetch github:onnx/onnx-tensorrt)" >&2
    exit 1
  fi
fi
python3 - "$JARFILE" "$DEST/lib" "${LIBS[@]}" <<'EOF'
import shutil, sys, zipfile
jar, dest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(jar) as archive:
    for name in names:
        with archive.open(f'org/bytedeco/tensorrt/linux-x86_64/{name}') as source, open(f'{dest}/{name}', 'wb') as target:
            shutil.copyfileobj(source, target)
        print(f'lib/{name}')
EOF
echo "deps/tensorrt-$VER ready: scripts/trtexec/build.sh $VER deps/trtexec/$VER"
