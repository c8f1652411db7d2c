#!/usr/bin/env bash
# Runs the GPU test suite on a GPU machine, once per TensorRT version found, and writes one result file per run.
#
#   bash test/gpu/run-suite.sh [extra vitest arguments...]
#   bash test/gpu/run-suite.sh --smi-summary FILE   # print the key=value summary of an `nvidia-smi -q` dump
#
# Uses the bundle unpacked by scripts/bundle/unpack.sh (TRTN_BUNDLE_DIR, default /opt/trtn-bundle; its
# `current` link) for node, node_modules, dist and TensorRT libraries (bundle folder tensorrt/<version>/lib);
# falls back to what is installed when there is no bundle. TRTN_TENSORRT_LIB_DIR set by the caller adds one
# more run with that library folder. Results go to test/gpu/results/ and, when OUT is set, to $OUT too.
# Exit status: 0 when every run passed, 1 when any failed, 2 when the suite could not start.
set -u

# Prints gpu=, driver=, cuda=, count=, pstate=, sm=, sm_max=, mem=, mem_max=, power=, power_limit= for the
# first GPU of an `nvidia-smi -q` dump (the field names are nvidia-smi's own labels).
smi_summary() {
  awk '
    function val(line) { sub(/^[^:]*: */, "", line); sub(/ +$/, "", line); return line }
    /^GPU / { gpus++ }
    gpus > 1 { next }
    /^Driver Version/ { driver = val($0) }
    /^CUDA Version/ { cuda = val($0) }
    /^Attached GPUs/ { count = val($0) }
    /^    [A-Za-z]/ && $0 !~ /:/ { section = $0; sub(/^ +/, "", section); sub(/ +$/, "", section) }
    /^    Product Name/ && name == "" { name = val($0) }
    /^    Performance State/ && pstate == "" { pstate = val($0) }
    section == "Clocks" && /^        SM / && sm == "" { sm = val($0) }
    section == "Clocks" && /^        Memory / && mem == "" { mem = val($0) }
    section == "Max Clocks" && /^        SM / && smmax == "" { smmax = val($0) }
    section == "Max Clocks" && /^        Memory / && memmax == "" { memmax = val($0) }
    /Instantaneous Power Draw/ && power == "" && val($0) != "N/A" { power = val($0) }
    /Current Power Limit/ && plimit == "" && val($0) != "N/A" { plimit = val($0) }
    END {
      printf "gpu=%s\ndriver=%s\ncuda=%s\ncount=%s\npstate=%s\n", name, driver, cuda, count, pstate
      printf "sm=%s\nsm_max=%s\nmem=%s\nmem_max=%s\npower=%s\npower_limit=%s\n", sm, smmax, mem, memmax, power, plimit
    }' "$1"
}

if [ "${1:-}" = "--smi-summary" ]; then
  [ -f "${2:-}" ] || { echo "run-suite: --smi-summary needs an nvidia-smi -q dump file" >&2; exit 2; }
  smi_summary "$2"
  exit 0
fi

cd "$(dirname "$0")/../.." || exit 2
repo=$(pwd)
bundle_root=${TRTN_BUNDLE_DIR:-/opt/trtn-bundle}
bundle=$bundle_root/current

if [ -x "$bundle/node/bin/node" ]; then export PATH="$bundle/node/bin:$PATH"; fi
if ! command -v node >/dev/null 2>&1; then
  echo "run-suite: no node here and no bundle in $bundle_root; unpack one first (docs/gpu-testing.md)" >&2
  exit 2
fi

# The tree on the box has no ignored folders: take them from the bundle where the tree lacks them.
# node_modules and dist are linked (read-only use); anything else (build/) is copied so a rebuild can write it.
if [ -d "$bundle/repo" ]; then
  for entry in "$bundle"/repo/* "$bundle"/repo/.[!.]*; do
    [ -e "$entry" ] || continue
    name=$(basename "$entry")
    if [ -e "$repo/$name" ] || [ -L "$repo/$name" ]; then continue; fi
    case "$name" in
      node_modules|dist) ln -s "$bundle_root/current/repo/$name" "$repo/$name" && echo "run-suite: linked $name from the bundle" ;;
      *) cp -a "$entry" "$repo/$name" && echo "run-suite: copied $name from the bundle" ;;
    esac
  done
fi
if [ ! -f node_modules/vitest/vitest.mjs ]; then
  echo "run-suite: node_modules/vitest is missing; the bundle must include it (scripts/bundle/gpu-suite.json)" >&2
  exit 2
fi

results_dir=test/gpu/results
mkdir -p "$results_dir"
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT"; fi

smi_file=$(mktemp)
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -q >"$smi_file" 2>&1; then
  smi_state="ok"
else
  smi_state="nvidia-smi $(command -v nvidia-smi >/dev/null 2>&1 && echo failed || echo 'not found')"
  : >"$smi_file"
fi
field() { smi_summary "$smi_file" | sed -n "s/^$1=//p"; }
gpu_name=$(field gpu); driver=$(field driver); cuda=$(field cuda)
[ -n "$gpu_name" ] || gpu_name="no GPU ($smi_state)"
gpu_slug=$(printf '%s' "$gpu_name" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//')
clocks="SM $(field sm) (max $(field sm_max)), memory $(field mem) (max $(field mem_max)), $(field pstate), power $(field power) of $(field power_limit)"

# One run per TensorRT library folder: the caller's TRTN_TENSORRT_LIB_DIR, then each bundled version.
trt_version_of() {
  # libnvinfer.so.10.13.3 -> 10.13.3 (the longest versioned name is the full version).
  v=$(ls "$1" 2>/dev/null | sed -n 's/^libnvinfer\.so\.\([0-9][0-9.]*\)$/\1/p' | awk '{ print length($0), $0 }' | sort -n | tail -n 1 | cut -d' ' -f2)
  # Maven's redist jars ship only libnvinfer.so.<major>; a folder named after the full version says more.
  parent=$(basename "$(dirname "$1")")
  case $v in *.*) ;; *) case $parent in "$v".*) v=$parent ;; esac ;; esac
  printf '%s\n' "$v"
}
runs=()
if [ -n "${TRTN_TENSORRT_LIB_DIR:-}" ]; then
  v=$(trt_version_of "$TRTN_TENSORRT_LIB_DIR"); runs+=("${v:-unknown}|$TRTN_TENSORRT_LIB_DIR|${TRTN_TENSORRT_INCLUDE:-}")
fi
for lib in "$bundle"/tensorrt/*/lib; do
  [ -d "$lib" ] || continue
  dir=$(dirname "$lib")
  v=$(trt_version_of "$lib"); [ -n "$v" ] || v=$(basename "$dir")
  include=""; [ -d "$dir/include" ] && include=$dir/include
  runs+=("$v|$lib|$include")
done
[ ${#runs[@]} -gt 0 ] || runs=("none||")

overall=0
summaries=()
base_ld_library_path=${LD_LIBRARY_PATH:-}
for run in "${runs[@]}"; do
  IFS='|' read -r trt lib include <<EOF
$run
EOF
  label=$([ "$trt" = none ] && echo none || echo "trt-$trt")
  name="$(date -u +%Y-%m-%d-%H%M)-$label-$gpu_slug"
  log=$results_dir/$name.log
  json=$results_dir/$name.json
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  {
    echo "run-suite: $started TensorRT=$trt lib=${lib:-none} include=${include:-none} GPU=$gpu_name"
    echo "run-suite: node $(node --version) at $(command -v node)"
    cat "$smi_file"
  } >"$log"

  native="not built"
  # Each run sees only its own TensorRT: nothing carries over from the previous run.
  unset TRTN_TENSORRT_LIB_DIR TRTN_TENSORRT_INCLUDE
  if [ -n "$lib" ]; then
    export TRTN_TENSORRT_LIB_DIR=$lib
    export LD_LIBRARY_PATH="$lib${base_ld_library_path:+:$base_ld_library_path}"
  else
    export LD_LIBRARY_PATH=$base_ld_library_path
  fi
  [ -n "$include" ] && export TRTN_TENSORRT_INCLUDE=$include
  # The suite tests what it built (or was given) in build/Release, even when a bundled prebuilds/ would come first.
  export TRTN_ADDON_DIR="$repo/build/Release"
  # Always build: the probe addon needs no TensorRT, and install-native also finds headers under deps/.
  if [ "${TRTN_SUITE_PREBUILT:-}" = 1 ]; then native="prebuilt, not rebuilt here (TRTN_SUITE_PREBUILT=1: $(ls build/Release/*.node 2>/dev/null | xargs -n1 basename | tr '\n' ' '))"
  elif ! command -v cmake >/dev/null 2>&1; then native="not built: cmake not found"
  elif [ ! -f scripts/install-native.mjs ]; then native="not built: scripts/install-native.mjs not in the tree"
  elif node scripts/install-native.mjs --force >>"$log" 2>&1; then native="built ($(ls build/Release/*.node 2>/dev/null | xargs -n1 basename | tr '\n' ' '))"
  else native="build FAILED (see the log); the suite ran with whatever addon was there"
  fi
  echo "run-suite: TensorRT $trt: native addon $native" | tee -a "$log"

  TRTN_GPU_RESULTS_JSON=$json node node_modules/vitest/vitest.mjs run --config vitest.gpu.config.ts --passWithNoTests "$@" 2>&1 | tee -a "$log"
  code=${PIPESTATUS[0]}
  [ "$code" -eq 0 ] || overall=1

  plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
  counts=$(printf '%s\n' "$plain" | grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' | tail -n 1)
  [ -n "$counts" ] || counts="no summary line (the suite did not finish; see the log)"
  figures=$(printf '%s\n' "$plain" | grep -o 'FIGURE: .*' | awk '!seen[$0]++')
  skips=$(printf '%s\n' "$plain" | grep -o 'SKIP: .*' | awk '!seen[$0]++')
  if [ "$trt" = none ]; then
    trt_text="none: no TensorRT libraries in the bundle and TRTN_TENSORRT_LIB_DIR unset, so every TensorRT test skipped; tests that need only the GPU driver (probe, loader) still ran"
  else
    trt_text="$trt (libraries: $lib)"
  fi
  md=$results_dir/$name.md
  {
    echo "# GPU suite: TensorRT $trt on $gpu_name"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $started |"
    echo "| TensorRT | $trt_text |"
    echo "| GPU | $gpu_name ($(field count) attached) |"
    echo "| driver | ${driver:-unknown} |"
    echo "| CUDA (driver) | ${cuda:-unknown} |"
    echo "| clocks at start | $clocks |"
    echo "| node | $(node --version) |"
    echo "| native addon | $native |"
    echo "| result | $counts (vitest exit $code) |"
    echo "| full log | $name.log (beside this file; also in \$OUT when set) |"
    echo
    echo "## Figures"
    echo
    if [ -n "$figures" ]; then printf '%s\n' "$figures" | sed 's/^FIGURE: /- /'; else echo "None printed."; fi
    echo
    echo "## Skipped, with reasons"
    echo
    if [ -n "$skips" ]; then printf '%s\n' "$skips" | sed 's/^SKIP: /- /'; else echo "No skip reasons printed."; fi
  } >"$md"
  if [ -n "${OUT:-}" ]; then cp -f "$md" "$log" "$OUT/"; [ -f "$json" ] && cp -f "$json" "$OUT/"; fi
  summaries+=("TensorRT $trt: $counts -> $md")
done
rm -f "$smi_file"

echo
for line in "${summaries[@]}"; do echo "run-suite: $line"; done
exit $overall
