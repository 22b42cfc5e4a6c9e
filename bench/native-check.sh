#!/usr/bin/env bash
# Runs the native-image readiness check (GraalVM's builder through every stage before the link, see
# ../shared/native-analysis/check.sh) against one binding of this multi-module build.
#
#   bench/native-check.sh knative        # about 7 minutes and 5 GB on 2 cores: take the machine lock
#   bench/native-check.sh lambda
#   NATIVE_CHECK=/elsewhere/check.sh bench/native-check.sh knative
#
# check.sh was written for a single-module project: it runs ./mvnw in its working directory and
# reads ./target (target/native-sources for Knative, target/*-native-image-source-jar for Lambda),
# and asks for the old `lambda` Maven profile. This adapter gives it a stand-in project directory,
# target/native-check/<binding>/, holding
#   - mvnw: runs this repository's ./mvnw from the root with `-pl src/<binding> -am` (the binding and
#     the modules it depends on), dropping the profile flag that no longer exists;
#   - target: a symlink to src/<binding>/target, where the binding's Quarkus build writes.
# The check's own output lands in src/<binding>/target/native-analysis (builder.log, maven.log).
# Its exit status and last line (PASS/FAIL) are passed through; the builder's figures (reachable
# types and methods, analysis and total build time) are printed at the end from builder.log.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINDING=${1:-knative}
case "$BINDING" in
  knative | lambda) ;;
  *) echo "usage: bench/native-check.sh [knative|lambda]" >&2; exit 2 ;;
esac
CHECK=${NATIVE_CHECK:-$ROOT/../shared/native-analysis/check.sh}
[[ -x $CHECK ]] || { echo "native-check: $CHECK not found (set NATIVE_CHECK to the check script)"; exit 2; }

STAND_IN=$ROOT/target/native-check/$BINDING
rm -rf "$STAND_IN"
mkdir -p "$STAND_IN" "$ROOT/src/$BINDING/target"
ln -s "$ROOT/src/$BINDING/target" "$STAND_IN/target"
cat >"$STAND_IN/mvnw" <<EOF
#!/usr/bin/env bash
# Stand-in written by bench/native-check.sh: the check's Maven call, on the $BINDING module of $ROOT.
args=()
for a in "\$@"; do
  case "\$a" in
    -Plambda) ;;   # check.sh asks for the single-module layout's profile; here src/lambda is always built
    *) args+=("\$a") ;;
  esac
done
cd "$ROOT" && exec ./mvnw "\${args[@]}" -pl src/$BINDING -am
EOF
chmod +x "$STAND_IN/mvnw"

rc=0
(cd "$STAND_IN" && "$CHECK" "$BINDING") || rc=$?
LOG=$ROOT/src/$BINDING/target/native-analysis/builder.log
if [[ -f $LOG ]]; then
  echo "builder figures ($LOG):"
  # The builder's own summary lines: reachable types/fields/methods, and the time of each stage.
  grep -E 'types, .* fields, and .* methods|reachable|^\[[1-8]/8\]|Finished generating|^ *[0-9.]+s \(' "$LOG" | sed 's/^/  /' | head -n 30 || true
fi
exit "$rc"
