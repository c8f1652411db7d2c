#!/usr/bin/env bash
# Makes the real-output corpus on a GPU machine: trtexec's verbose build logs, --exportLayerInfo and
# --exportProfile, and trtn's own build reports and explanations, for the models of issue 8.
#
#   bash scripts/device/corpus.sh <tensorrt-lib-dir> <trtexec> <out-dir> [case-filter-regex]
#
# Needs node (the bundle's), dist/, python3 with torch+torchvision (for the torchvision model). Every command
# runs under a time limit and a failure is recorded, never fatal: the corpus takes what TensorRT printed.
set -u
lib=$1; trtexec=$2; out=$3; filter=${4:-.}
mkdir -p "$out/models"
export LD_LIBRARY_PATH="$lib:/usr/local/cuda/lib64${TRTN_EXTRA_LD_PATH:+:$TRTN_EXTRA_LD_PATH}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TRTN_TENSORRT_LIB_DIR=$lib
# timeout needs a program, so timed steps call node dist/cli/bin.js directly; the rest use this.
trtn() { node dist/cli/bin.js "$@"; }
step() { echo "corpus: $(date -u +%H:%M:%S) $*"; }

models=$out/models
cp examples/seed003.onnx "$models/seed003.onnx"
trtn sparsify examples/resnet-like.onnx -o "$models/resnet-like-2of4.onnx" >"$models/resnet-like-sparsify.txt" 2>&1 || step "sparsify resnet-like failed"
if [ ! -f "$models/resnet18.onnx" ]; then
  timeout 180 python3 scripts/device/export_torchvision.py "$models/resnet18.onnx" resnet18 1 224 >"$models/resnet18-export.txt" 2>&1 || step "torchvision export failed"
fi
[ -f "$models/resnet18.onnx" ] && { trtn sparsify "$models/resnet18.onnx" -o "$models/resnet18-2of4.onnx" >"$models/resnet18-sparsify.txt" 2>&1 || step "sparsify resnet18 failed"; }

# name | model | extra trtexec/trtn flags (same spelling for both tools)
cases=(
  "seed003-default|seed003.onnx|--fp16"
  "seed003-hwc8|seed003.onnx|--fp16 --inputIOFormats=fp16:hwc8 --outputIOFormats=fp16:hwc8"
  "resnet-like-2of4|resnet-like-2of4.onnx|--fp16 --sparsity=enable"
  "resnet18-2of4|resnet18-2of4.onnx|--fp16 --sparsity=enable"
)
for entry in "${cases[@]}"; do
  IFS='|' read -r name model flags <<<"$entry"
  [[ $name =~ $filter ]] || continue
  [ -f "$models/$model" ] || { step "$name: no model"; continue; }
  dir=$out/$name; mkdir -p "$dir"
  step "$name: trtexec"
  # shellcheck disable=SC2086
  timeout 240 "$trtexec" --onnx="$models/$model" $flags --verbose --separateProfileRun --profilingVerbosity=detailed \
    --dumpLayerInfo --dumpProfile --exportLayerInfo="$dir/trtexec-layerinfo.json" --exportProfile="$dir/trtexec-profile.json" \
    --exportTimes="$dir/trtexec-times.json" --saveEngine="$dir/trtexec.plan" --duration=2 >"$dir/trtexec-verbose.log" 2>&1
  echo "exit $?" >>"$dir/trtexec-verbose.log"
  step "$name: trtn build"
  trtn_flags=$(printf '%s' "$flags" | sed 's/--sparsity=/--sparsity /; s/--inputIOFormats=/--inputIOFormats /; s/--outputIOFormats=/--outputIOFormats /')
  # shellcheck disable=SC2086
  ( time timeout 300 node dist/cli/bin.js build "$models/$model" $trtn_flags --backend tensorrt --no-progress --recordTactics \
      --report "$dir/trtn-report.json" --saveEngine "$dir/trtn.plan" --json >"$dir/trtn-build.json" 2>"$dir/trtn-build.stderr" ) 2>"$dir/trtn-build.time"
  echo "exit $?" >>"$dir/trtn-build.time"
  step "$name: trtn explain"
  trtn explain "$dir/trtexec-verbose.log" --json >"$dir/explain-trtexec-log.json" 2>&1
  trtn explain "$dir/trtexec-layerinfo.json" "$dir/trtexec-profile.json" --json >"$dir/explain-trtexec-json.json" 2>&1
  [ -f "$dir/trtn-report.json" ] && trtn explain "$dir/trtn-report.json" --json >"$dir/explain-trtn-report.json" 2>&1
  rm -f "$dir"/*.plan
done
step "done"
