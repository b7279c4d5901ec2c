#!/usr/bin/env bash
# Our stiff methods against SUNDIALS CVODE and scipy's Radau on the same problems and tolerances, one
# table (StiffCvodeCompare). Run from the repository root after `mvn -B -q package -DskipTests`:
#   node-benchmarks/scripts/cvode_compare.sh [method ...]
# CVODE needs `apt-get install libsundials-dev` (the C driver node-benchmarks/cvode/cvode_stiff.c is
# built here with cc); scipy needs `apt-get install python3-scipy` (Debian's /usr/bin/python3). Either
# peer is skipped, with a message, when it is not installed. Not part of the Maven build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${TMPDIR:-/tmp}/neuralode-cvode-compare
mkdir -p "$out"
jar="$root/node-benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
    echo "cvode_compare: $jar is missing; build it first: mvn -B -q package -DskipTests" >&2
    exit 2
fi
args=()
if [[ -f /usr/include/cvode/cvode.h ]]; then
    cc -O2 -o "$out/cvode_stiff" "$root/node-benchmarks/cvode/cvode_stiff.c" -lsundials_cvode -lsundials_nvecserial \
        -lsundials_sunmatrixdense -lsundials_sunlinsoldense -lm
    echo "cvode_compare: running CVODE ..." >&2
    "$out/cvode_stiff" > "$out/cvode.tsv"
    args+=(--cvode "$out/cvode.tsv")
else
    echo "cvode_compare: CVODE headers not found (apt-get install libsundials-dev); skipping CVODE" >&2
fi
py=/usr/bin/python3
if [[ -x $py ]] && $py -c 'import scipy' 2>/dev/null; then
    echo "cvode_compare: running scipy Radau ..." >&2
    $py "$root/node-benchmarks/scripts/scipy_stiff.py" > "$out/scipy.tsv"
    args+=(--scipy "$out/scipy.tsv")
else
    echo "cvode_compare: scipy not found for $py (apt-get install python3-scipy); skipping scipy" >&2
fi
echo "cvode_compare: running the Java methods (about 2.5 s per method, problem and tolerance) ..." >&2
java -cp "$jar" dev.neuralode.benchmarks.StiffCvodeCompare "${args[@]}" "$@"
