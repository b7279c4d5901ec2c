#!/usr/bin/env bash
# Regenerates the PNGs of node-examples/docs/images (the pictures of the READMEs) by running each
# demo with the command its README section shows, and prints each run's one-line summary.
# Usage, from the repository root:  node-examples/docs/regenerate-images.sh [work-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/node-examples/target/node-examples.jar"
images="$root/node-examples/docs/images"
work="${1:-$(mktemp -d)}"
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q package -DskipTests -pl node-examples -am)
fi
mkdir -p "$images" "$work"
# demo | arguments | the PNG shown in the README
while IFS='|' read -r demo args png; do
  out="$work/$demo"
  # shellcheck disable=SC2086
  java -jar "$jar" $demo $args --output "$out" 2>"$work/$demo.log" | tee -a "$work/summaries.txt"
  cp "$out/$png" "$images/$demo.png"
done <<'LIST'
euler||euler-convergence.png
spiral|--iterations 2000|spiral-vector-field.png
resnet||resnet-trajectories.png
adjoint||adjoint-memory.png
anode||anode-flows.png
latent|--iterations 1000|latent-extrapolation.png
cnf||cnf-density.png
bouncing||bouncing-trajectories.png
stiff||stiff-trajectories.png
LIST
echo "summaries: $work/summaries.txt; logs: $work/<demo>.log" >&2
