#!/usr/bin/env bash
# tools/build.sh: install what irqlab needs from Debian, then configure and build.
#
#   tools/build.sh              build/       (RelWithDebInfo, profile-guided)
#   tools/build.sh --sanitize   build-asan/  (AddressSanitizer + UndefinedBehaviorSanitizer)
#
# The release build is profile-guided: its first build is instrumented and trained once
# (tools/pgo-train.sh, a few seconds), then rebuilt with the profile; later builds reuse
# it. IRQLAB_PGO=0 tools/build.sh builds without; delete build/pgo-trained to retrain.
#
# Idempotent: packages already present are not touched, an existing build tree is reused,
# so a second run with nothing changed only asks ninja, which finds nothing to do.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

sanitize=0
for arg in "$@"; do
  case $arg in
    --sanitize) sanitize=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "tools/build.sh: unknown option '$arg' (try --sanitize)" >&2; exit 2 ;;
  esac
done

# Every package the build, the tests and the test clients use. Debian packages only.
packages=(
  g++ cmake ninja-build pkg-config ccache
  libboost-dev libboost-context-dev libboost-program-options-dev
  libspdlog-dev libfmt-dev catch2 libyaml-cpp-dev nlohmann-json3-dev libbenchmark-dev
  libedit-dev tmux prometheus-node-exporter curl time
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "tools/build.sh: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The test clients that exist only on npm (tests/js: the Chrome DevTools trace engine,
# ajv), pinned by the committed lockfile. Node.js comes with the machine; without it the
# tests that need these skip and say so.
if command -v npm >/dev/null; then
  js="$top/tests/js"
  if [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
    (cd "$js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
else
  echo "tools/build.sh: npm not found; the tests that run npm clients will skip" >&2
fi

if [ $sanitize -eq 1 ]; then
  dir="$top/build-asan"; type=Sanitize
else
  dir="$top/build"; type=RelWithDebInfo
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
configure() {  # configure() PGO: (re)configure only when the tree is new or PGO changes
  if [ ! -f "$dir/build.ninja" ] || ! grep -qx "IRQLAB_PGO:STRING=$1" "$dir/CMakeCache.txt"; then
    cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=$type -DIRQLAB_PGO="$1" "${launcher[@]}" >/dev/null
  fi
}
pgo=OFF
if [ $sanitize -eq 0 ] && [ "${IRQLAB_PGO:-1}" != 0 ]; then
  pgo=USE
  if [ ! -f "$dir/pgo-trained" ]; then
    echo "tools/build.sh: profile-guided build: instrumented build and training run first" >&2
    configure GENERATE
    cmake --build "$dir" --target irqlab
    find "$dir" -name '*.gcda' -delete
    "$top/tools/pgo-train.sh" "$dir/irqlab"
    touch "$dir/pgo-trained"
  elif [ -n "$(find "$top"/{sim,kernel,devices,tools} -newer "$dir/pgo-trained" -name '*.[ch]*' -print -quit)" ]; then
    echo "tools/build.sh: sources changed since the profile was trained; rm $dir/pgo-trained to retrain" >&2
  fi
fi
configure $pgo
cmake --build "$dir"
