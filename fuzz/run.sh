#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run libFuzzer targets for a bounded time each and report, per target:
# executions, corpus size, edges covered, findings; then the edge coverage
# of each source file the targets reached. `make fuzz` calls this.
#   run.sh --time SECONDS --corpus SEEDDIR --bin BINDIR --work WORKDIR NAME...
# Each target NAME runs BINDIR/fuzz-NAME on WORKDIR/NAME/corpus, seeded from
# SEEDDIR/NAME (the checked-in corpus, never written). A finding is kept as
# WORKDIR/NAME/crash-* (or leak-*, timeout-*, oom-*): replay one with
# `BINDIR/fuzz-NAME FILE`, then make it a regression test (fuzz/README.md).
# Exit status: 0 when no target found anything, 1 otherwise.
set -u
time=300
corpus=
bin=
work=
while [ $# -gt 0 ]; do
	case $1 in
	--time) time=$2; shift 2 ;;
	--corpus) corpus=$2; shift 2 ;;
	--bin) bin=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ -n "$corpus" ] && [ -n "$bin" ] && [ -n "$work" ] && [ $# -gt 0 ] || {
	echo "usage: run.sh --time S --corpus DIR --bin DIR --work DIR NAME..." >&2
	exit 2
}

# One core per target: the host is shared. ASan's leak check stays on
# (libFuzzer checks each new input for leaks).
total_found=0
total_execs=0
cov=$work/coverage.txt
mkdir -p "$work" && : >"$cov.raw" || exit 2
printf '%-10s %12s %9s %7s %6s %8s\n' target executions exec/s corpus edges findings
for name in "$@"; do
	exe=$bin/fuzz-$name
	dir=$work/$name
	mkdir -p "$dir/corpus"
	if [ ! -x "$exe" ]; then
		echo "run.sh: $exe is not built" >&2
		total_found=$((total_found + 1))
		continue
	fi
	seeds=$corpus/$name
	[ -d "$seeds" ] || seeds=
	dict=
	[ -f "$corpus/$name.dict" ] && dict=-dict=$corpus/$name.dict
	# -timeout: one input taking 10 s is a hang finding; -rss_limit_mb:
	# one input that makes the target use 2 GB is an out-of-memory one.
	"$exe" -max_total_time="$time" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/" $dict \
		"$dir/corpus" $seeds >"$dir/log" 2>&1
	status=$?
	execs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$dir/log")
	rate=$(awk '/^stat::average_exec_per_sec:/ { print $2 }' "$dir/log")
	edges=$(awk '/ cov: / { for (i = 1; i < NF; i++) if ($i == "cov:") c = $(i + 1) }
		     END { print c + 0 }' "$dir/log")
	size=$(find "$dir/corpus" -type f | wc -l)
	# A slow unit is one input that took over 10 s of wall time, which a
	# stalled host (this VM's own host descheduling it) can make of any
	# input: replayed, one that now runs in under a second is noted and
	# kept as stall-*, not counted. A slow input is also a timeout-*.
	for f in "$dir"/slow-unit-*; do
		[ -f "$f" ] || continue
		ms=$("$exe" -timeout=10 -rss_limit_mb=2048 "$f" 2>&1 |
			sed -n 's/^Executed .* in \([0-9]*\) ms$/\1/p')
		if [ -n "$ms" ] && [ "$ms" -lt 1000 ]; then
			echo "run.sh: fuzz-$name: $(basename "$f") was reported slow (over 10 s), $ms ms replayed: not counted" >&2
			mv "$f" "$dir/stall-${f##*/slow-unit-}"
		fi
	done
	found=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | wc -l)
	if [ "$status" != 0 ] && [ "$found" = 0 ]; then
		found=1 # died without leaving an input: say so
		echo "run.sh: fuzz-$name exited with status $status; see $dir/log" >&2
	fi
	printf '%-10s %12s %9s %7s %6s %8s\n' "$name" "${execs:-0}" "${rate:-0}" \
		"$size" "$edges" "$found"
	total_found=$((total_found + found))
	total_execs=$((total_execs + ${execs:-0}))
	if [ "$found" != 0 ]; then
		grep -m 3 -E 'ERROR: |runtime error|fuzz [a-z0-9]+:' "$dir/log" | sed 's/^/  /'
		ls "$dir" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed "s|^|  $dir/|"
	fi
	# Edge coverage per source file of the corpus now reached.
	"$exe" -runs=0 -print_coverage=1 "$dir/corpus" 2>&1 |
		awk -v t="$name" '/^(COVERED|UNCOVERED)_FUNC:/ {
			split($5, e, "/"); f = $NF; sub(/:[0-9]+$/, "", f)
			print t, f, e[1], e[2] }' >>"$cov.raw"
done
# Each file's edges as the target that reaches most of them covers them (a
# device's file by its own target, the core's by all of them).
top=$(cd "$(dirname "$0")/.." && pwd)
awk -v top="$top/" '{ k = $1 SUBSEP $2; c[k] += $3; a[k] += $4; f[$2] = 1 }
     END { for (k in c) { split(k, p, SUBSEP)
		if (!(p[2] in best) || c[k] > best[p[2]]) { best[p[2]] = c[k]; all[p[2]] = a[k] } }
	   for (x in best) { r = substr(x, length(top) + 1)
		if (all[x] > 0 && index(x, top) == 1 && r !~ /^fuzz\//)
			printf "%6.1f%%  %5d/%-5d  %s\n", 100 * best[x] / all[x],
			       best[x], all[x], r } }' "$cov.raw" | sort -b -k3 >"$cov"
echo
echo "edge coverage per file, by the target that reaches most of it:"
sed 's/^/  /' "$cov"
echo
echo "fuzz: $total_execs executions, $total_found findings"
[ "$total_found" = 0 ]
