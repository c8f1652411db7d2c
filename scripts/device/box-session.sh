#!/usr/bin/env bash
# On the lent GPU machine, after the TensorRT parts and the node bundle were carried and unpacked:
#   bash scripts/device/box-session.sh <step> [args]
# Steps (each fits one device call):
#   suite <version> [test files]
#                       the GPU suite (or those files of it) against /opt/trtn/tensorrt/<version>/lib; results to $OUT
#   corpus <version>    trtexec + trtn real-output corpus (scripts/device/corpus.sh) as $OUT/corpus-<version>.tar.xz
#   bench <version> [bench flags, e.g. --diagnose]
#                       bench/vs-trtexec.mjs (exports the torchvision model first if no corpus step left it); JSON to $OUT;
#                       a bench longer than one call: first call with --models a,b --models-only, next with --resume
#   parity <version> [diagnose-parity flags, e.g. --cpus 5,7 --parts timing]
#                       bench/diagnose-parity.mjs: where trtn and trtexec still differ (timing variants, build timelines);
#                       its JSON, logs and the first 200 records of each --exportTimes file to $OUT/parity
#   calls <version> [iterations]
#                       what the timing loop's CUDA calls cost through the runtime and through the driver entries
#                       (scripts/device/driver-call-costs.cc), by stream and event flags; to $OUT/driver-call-costs.txt
#   stalls <version> [rounds]
#                       seed-003 --fp16 built by trtexec, trtn and trtn with MALLOC_ARENA_MAX=1, in turn, [rounds] times
#                       (default 2), each under scripts/device/stall-probe.py (a process beside the build, sleeping 1 ms
#                       at a time: how late it woke); the probe lines, each build's log and trtn's phases to $OUT/stalls
#   advice <version>    trtn calibrate (this GPU's measured peaks), then explain --try on seed-003 and on the 2:4
#                       resnet-like model, and explain of a seed-003 build report against the measured peaks
# 10.6 runs first and leaves its plan in /opt/trtn/plans for the other versions' foreign-plan tests.
# 8.6's plugin library NEEDs cuBLAS 12 / cuDNN 8; the box has CUDA 13, so the test-harness stand-ins from
# scripts/trtexec/make-cuda12-stubs.py (carried as deps/stubs-cuda12) satisfy the loader (they abort if called).
set -u
step=${1:?usage: box-session.sh suite|corpus|bench|parity|calls|advice <version>}
version=${2:?usage: box-session.sh suite|corpus|bench <version>}
bundle=${TRTN_BUNDLE_DIR:-/opt/trtn-bundle}/current
[ -x "$bundle/node/bin/node" ] || { echo "box-session: no node bundle in $bundle (carry .bundle/node and run its unpack.sh first)" >&2; exit 2; }
export PATH="$bundle/node/bin:$PATH"
for entry in dist build; do [ -e "$entry" ] || cp -a "$bundle/repo/$entry" "$entry"; done
[ -e node_modules ] || ln -s "$bundle/repo/node_modules" node_modules
lib=${TRTN_TENSORRT_ROOT:-/opt/trtn/tensorrt}/$version/lib
[ -d "$lib" ] || { echo "box-session: no $lib (carry the TensorRT $version parts first)" >&2; exit 2; }
case $step in suite|corpus|bench|parity|calls|stalls|advice) ;; *) echo "box-session: unknown step $step (suite, corpus, bench, parity, calls, stalls or advice)" >&2; exit 2 ;; esac
stubs=$(pwd)/deps/stubs-cuda12
extra=/usr/local/cuda/lib64
case $version in 8.*) extra="$stubs:$extra"; export TRTN_TEST_CHILD_LD_LIBRARY_PATH=$stubs ;; esac
mkdir -p /opt/trtn/plans "${OUT:-/tmp/out}"
plan10=/opt/trtn/plans/trt10.6.0.plan
case $version in
  10.6.*) export TRTN_TEST_PLAN_OUT=$plan10 ;;
  *) [ -f "$plan10" ] && export TRTN_TEST_FOREIGN_PLAN=$plan10 ;;
esac
trtexec=$(pwd)/deps/trtexec/$version/trtexec
case $step in
  suite)
    shift 2
    marker=$(mktemp)
    LD_LIBRARY_PATH=$extra TRTN_SUITE_PREBUILT=1 TRTN_TENSORRT_LIB_DIR=$lib bash test/gpu/run-suite.sh "$@"
    code=$?
    # This run's result files only: the committed older ones would crowd what a device call brings back.
    find test/gpu/results -newer "$marker" -name "*trt-$version*" -exec cp {} "$OUT"/ \;
    rm -f "$marker"
    exit $code ;;
  corpus)
    TRTN_EXTRA_LD_PATH=$extra bash scripts/device/corpus.sh "$lib" "$trtexec" /tmp/corpus-$version
    # The models stay on the box for the bench step (resnet18 2:4 needs torch to export); the tarball leaves them out.
    mkdir -p /tmp/models-$version && cp /tmp/corpus-$version/models/*.onnx /tmp/models-$version/ 2>/dev/null
    find /tmp/corpus-$version -name '*.onnx' -delete
    tar -C /tmp -cJf "$OUT/corpus-$version.tar.xz" corpus-$version
    ls -la "$OUT" ;;
  bench)
    # The torchvision model (a corpus step leaves it; otherwise exported here, about 20 s), pruned 2:4.
    models=/tmp/models-$version
    mkdir -p "$models"
    # (not for a run limited with --models to others, nor for a --resume of a first part that was)
    case " $* " in *" --models "*) case " $* " in *resnet18*) want=1 ;; *) want=0 ;; esac ;; *) want=1 ;; esac
    partial=/opt/trtn/bench-$version/vs-trtexec.json.partial.json
    case " $* " in *" --models "*) ;; *" --resume "*)
      [ -f "$partial" ] && node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.exit(Array.isArray(p.selectedModels) && !p.selectedModels.includes("resnet18-2of4") ? 0 : 1)' "$partial" && want=0 ;;
    esac
    if [ "$want" = 1 ] && [ ! -f "$models/resnet18-2of4.onnx" ]; then
      timeout 180 python3 scripts/device/export_torchvision.py /tmp/resnet18.onnx resnet18 1 224 && node dist/cli/bin.js sparsify /tmp/resnet18.onnx -o "$models/resnet18-2of4.onnx" >/dev/null
    fi
    shift 2
    # The figures live on the box between calls (a bench in parts: --models-only, then --resume); $OUT gets copies.
    state=/opt/trtn/bench-$version
    mkdir -p "$state"
    LD_LIBRARY_PATH="$lib:$extra" TRTN_TENSORRT_LIB_DIR=$lib node bench/vs-trtexec.mjs --trtexec "$trtexec" --models-dir "$models" --out "$state/vs-trtexec.json" "$@"
    code=$?
    cp "$state"/*.json "$OUT"/ 2>/dev/null
    exit $code ;;
  parity)
    shift 2
    LD_LIBRARY_PATH="$lib:$extra" TRTN_TENSORRT_LIB_DIR=$lib node bench/diagnose-parity.mjs --trtexec "$trtexec" --out /tmp/parity-$version "$@"
    code=$?
    # A device call brings back a limited number and size of files: the JSON, the build steps, trimmed timelines.
    mkdir -p "$OUT/parity"
    cp /tmp/parity-$version/*.json "$OUT/parity/" 2>/dev/null
    for times in /tmp/parity-$version/times-*.json; do
      [ -f "$times" ] && python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))[:200], open(sys.argv[2], "w"), indent=1)' "$times" "$OUT/parity/$(basename "$times" .json)-first200.json"
      rm -f "$OUT/parity/$(basename "$times")"
    done
    exit $code ;;
  calls)
    # The timing loop's own CUDA calls through the runtime and through the driver entries, by stream and event
    # flags (scripts/device/driver-call-costs.cc); pinned to one CPU (TRTN_CALLS_CPU, default 5) like the bench.
    g++ -O2 -std=c++17 -I/usr/local/cuda/include scripts/device/driver-call-costs.cc -L/usr/local/cuda/lib64 -lcudart -ldl -o /tmp/driver-call-costs || exit 2
    LD_LIBRARY_PATH=/usr/local/cuda/lib64 taskset -c "${TRTN_CALLS_CPU:-5}" /tmp/driver-call-costs "${3:-20000}" | tee "$OUT/driver-call-costs.txt" ;;
  stalls)
    # Whether the machine stalls a sleeping thread while TensorRT builds, for trtexec's build as for trtn's.
    export LD_LIBRARY_PATH="$lib:$extra" TRTN_TENSORRT_LIB_DIR=$lib
    mkdir -p "$OUT/stalls"
    for round in $(seq 1 "${3:-2}"); do
      python3 scripts/device/stall-probe.py --label "trtexec-$round" --out "$OUT/stalls/stalls.jsonl" -- "$trtexec" --onnx=examples/seed003.onnx --fp16 --saveEngine=/tmp/stalls-trtexec.plan --skipInference >"$OUT/stalls/trtexec-$round.log" 2>&1
      python3 scripts/device/stall-probe.py --label "trtn-$round" --out "$OUT/stalls/stalls.jsonl" -- node dist/cli/bin.js build examples/seed003.onnx --fp16 --backend tensorrt --no-progress --noLayerProfile --saveEngine /tmp/stalls-trtn.plan >"$OUT/stalls/trtn-$round.log" 2>&1
      MALLOC_ARENA_MAX=1 python3 scripts/device/stall-probe.py --label "trtn-arena1-$round" --out "$OUT/stalls/stalls.jsonl" -- node dist/cli/bin.js build examples/seed003.onnx --fp16 --backend tensorrt --no-progress --noLayerProfile --saveEngine /tmp/stalls-trtn.plan >"$OUT/stalls/trtn-arena1-$round.log" 2>&1
    done
    for log in "$OUT"/stalls/*.log; do echo "== $(basename "$log"): $(grep -h 'Engine built in\|Init builder kernel library\|^build phases\|^build time' "$log" | tr '\n' ' ')"; done
    python3 -c 'import json,sys; [print(r["label"], "wall", r["wallS"], "s, worst", r["worstMs"], "ms late,", r["over2ms"], "over 2 ms; worst at", r["gaps"][:5]) for r in map(json.loads, open(sys.argv[1]))]' "$OUT/stalls/stalls.jsonl" ;;
  advice)
    export LD_LIBRARY_PATH="$lib:$extra" TRTN_TENSORRT_LIB_DIR=$lib
    node dist/cli/bin.js calibrate --json >"$OUT/calibrate.json" 2>"$OUT/calibrate.stderr"; echo "calibrate exit $?"
    node dist/cli/bin.js explain examples/seed003.onnx --try --fp16 --json >"$OUT/try-seed003.json" 2>"$OUT/try-seed003.stderr"; echo "try seed003 exit $?"
    node dist/cli/bin.js sparsify examples/resnet-like.onnx -o /tmp/resnet-like-2of4.onnx >/dev/null
    node dist/cli/bin.js explain /tmp/resnet-like-2of4.onnx --try --fp16 --json >"$OUT/try-resnet-like-2of4.json" 2>"$OUT/try-resnet-like.stderr"; echo "try resnet-like exit $?"
    node dist/cli/bin.js build examples/seed003.onnx --fp16 --backend tensorrt --no-progress --report /tmp/seed003-report.json >/dev/null 2>&1
    node dist/cli/bin.js explain /tmp/seed003-report.json --json >"$OUT/explain-seed003-report.json" 2>&1; echo "explain exit $?"
    gzip -9c /tmp/seed003-report.json >"$OUT/seed003-report.json.gz" ;;
  *) echo "box-session: unknown step $step" >&2; exit 2 ;;
esac
