#!/usr/bin/env bash
# Refreshes the figures the READMEs quote from real runs of the demos: the sample output of each
# demo in node-examples/README.md, its table of default-run times, and the caption of the spiral
# picture in the root README. Each figure sits between
#     <!-- readme-output:KEY -->  and  <!-- /readme-output -->
# and is replaced whole; text outside the markers is never touched.
#
# Usage, from anywhere:  node-examples/scripts/readme-outputs.sh [work-dir]
# Needs the shaded jar (built with `mvn -B -q package -DskipTests` if missing), java, awk.
# Takes about five minutes on 2 cores. Times are wall time from JVM start to exit, so they depend
# on the machine and its load: the table says when and at what load average they were taken.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/node-examples/target/node-examples.jar"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q package -DskipTests)
fi

# run KEY ARGS... : one demo run; its summary line goes to $work/KEY.out, its seconds to $work/KEY.s
run() {
  local key=$1
  shift
  local start end
  start=$(date +%s%N)
  java -jar "$jar" "$@" --quiet --output "$work/$key" >"$work/$key.out" 2>"$work/$key.err" || {
    echo "readme-outputs: '$*' failed:" >&2
    cat "$work/$key.err" >&2
    exit 1
  }
  end=$(date +%s%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f\n", (b - a) / 1e9 }' >"$work/$key.s"
  echo "$(cat "$work/$key.s") s  $(cat "$work/$key.out")" >&2
}

# replace FILE KEY CONTENT-FILE : puts the content between the KEY markers of FILE
replace() {
  local file=$1 key=$2 content=$3
  grep -q "<!-- readme-output:$key -->" "$file" || { echo "readme-outputs: no marker '$key' in $file" >&2; exit 1; }
  awk -v key="$key" -v content="$content" '
    $0 == "<!-- readme-output:" key " -->" { print; while ((getline line < content) > 0) print line; skip = 1; next }
    skip && $0 == "<!-- /readme-output -->" { skip = 0 }
    !skip { print }' "$file" >"$file.tmp"
  mv "$file.tmp" "$file"
}

# sample KEY : the summary line of run KEY as an indented code block
sample() {
  { echo; sed 's/^/    /' "$work/$1.out"; echo; } >"$work/$1.md"
  replace "$root/node-examples/README.md" "$1" "$work/$1.md"
}

load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo "?")
when=$(date -u '+%Y-%m-%d %H:%M UTC')

run euler euler
run spiral spiral
run resnet resnet
run adjoint adjoint
run anode anode
run latent latent
run cnf cnf
run bouncing bouncing
run stiff stiff
run spiral-2000 spiral --iterations 2000
run latent-1000 latent --iterations 1000

for key in euler spiral resnet adjoint anode latent-1000 cnf; do
  sample "$key"
done

# the table of default runs
{
  echo
  echo "| demo | what it shows | default run |"
  echo "|---|---|---|"
  while IFS='|' read -r demo what; do
    extra=""
    [ "$demo" = spiral ] && extra=" (200 iterations)"
    [ "$demo" = bouncing ] && extra=" (600 iterations)"
    [ "$demo" = stiff ] && extra=" (300 iterations)"
    echo "| [\`$demo\`](#$demo) | $what | $(cat "$work/$demo.s") s$extra |"
  done <<'TABLE'
euler|Euler's method vs the exact solution; the order of euler, rk4, dopri5
spiral|the spiral benchmark of torchdiffeq's `ode_demo`, exactly
resnet|a ResNet with N blocks vs an ODE network
adjoint|backprop through the solver vs the adjoint methods
anode|plain vs augmented neural ODE on concentric circles
latent|a latent ODE on irregularly sampled noisy spirals
cnf|a continuous normalizing flow on two moons / circles
bouncing|learn gravity, restitution and initial height of a ball from its bounce times (differentiable events)
stiff|stiff methods vs dopri5; a stiff neural ODE learns Robertson's kinetics (implicit solver, stiff gradients)
TABLE
  echo
  echo "The times are the wall time of \`java -jar node-examples/target/node-examples.jar <demo>\` (JVM start"
  echo "to exit), measured by \`node-examples/scripts/readme-outputs.sh\` on $when on the project's 2-core"
  echo "machine at a load average of $load (other jobs share it, so an idle machine is faster)."
  echo
} >"$work/times.md"
replace "$root/node-examples/README.md" times "$work/times.md"

# the spiral picture's caption (root README): what the default run gives and what the picture's does
l1_default=$(sed 's/.*final_full_L1=\([0-9.]*\).*/\1/' "$work/spiral.out")
l1_2000=$(sed 's/.*final_full_L1=\([0-9.]*\).*/\1/' "$work/spiral-2000.out")
{
  echo
  echo "*The spiral benchmark of torchdiffeq's \`ode_demo\`, learned by the \`spiral\` demo in 2000 iterations"
  echo "(\`spiral --iterations 2000\`, final full-trajectory L1 $l1_2000, $(cat "$work/spiral-2000.s") s). The default run,"
  echo "\`spiral\`, stops after 200 iterations ($(cat "$work/spiral.s") s) at final L1 $l1_default: the learned field is"
  echo "still far from this picture.*"
  echo
} >"$work/caption.md"
replace "$root/README.md" spiral-caption "$work/caption.md"

echo "readme-outputs: updated node-examples/README.md and README.md from the runs in $work" >&2
