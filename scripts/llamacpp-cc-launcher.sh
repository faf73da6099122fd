#!/bin/sh
# The compiler launcher of the llama-server build (scripts/install-llamacpp.js): a source under llama.cpp's common/,
# tools/ or vendor/ (argument parsing, JSON, chat templates, the HTTP server, multimodal helpers: nothing the tokens'
# arithmetic runs through) is compiled at -O0; ggml and llama (src/) keep -O2. Measured 2026-12-05 on 2 cores: the
# build took 217 s against 260 s, and one engine's rate (streamed 100-token completions, -t 1, -lv 5, medians of 12,
# two rounds) was 58.7 and 57.3 tokens/s against 57.8 and 57.0.
src=""
prev=""
for a in "$@"; do
  [ "$prev" = "-c" ] && src="$a"
  prev="$a"
done
case "$src" in
  */llama.cpp/common/* | */llama.cpp/tools/* | */llama.cpp/vendor/*) ;;
  # The unity files that merge those sources (scripts/llamacpp-unity.cmake), written into the build folder.
  */CMakeFiles/llama-common.dir/Unity/* | */CMakeFiles/server-context.dir/Unity/* | */CMakeFiles/llama-server-impl.dir/Unity/* | */CMakeFiles/mtmd.dir/Unity/*) ;;
  *) exec "$@" ;;
esac
n=$#
while [ "$n" -gt 0 ]; do
  a="$1"
  shift
  [ "$a" = "-O2" ] && a="-O0"
  set -- "$@" "$a"
  n=$((n - 1))
done
exec "$@"
