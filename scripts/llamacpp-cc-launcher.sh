#!/bin/sh
# The compiler launcher of the llama-server build (scripts/install-llamacpp.js): a source under llama.cpp's common/,
# tools/ or vendor/ (argument parsing, JSON, chat templates, the HTTP server, multimodal helpers: nothing the tokens'
# arithmetic runs through) is compiled at -O0; llama's src/ (the model's graph, the KV cache, sampling: it drives ggml's
# kernels but runs none) at -O1; ggml keeps -O2. Measured 2026-12-05 on 2 cores: the build took 217 s against 260 s,
# and one engine's rate (streamed 100-token completions, -t 1, -lv 5, medians of 12, two rounds) was 58.7 and 57.3
# tokens/s against 57.8 and 57.0. src/ at -O1 (2026-12-07, ninja -j2 alone, one after the other): 119 s and 233 s of
# CPU against 136 s and 268 s at -O2; rate (100 tokens, -t 1, medians of 12, alternated) 64, 71 and 77 tokens/s
# against 72, 67 and 71; start to /health about 365 ms against 345 ms (8 starts, 3 rounds). src/ at -O0 saved 16 s of
# CPU more but cost about 5 % of the rate (6 rounds: median 68 against 72 tokens/s): not taken.
src=""
prev=""
for a in "$@"; do
  [ "$prev" = "-c" ] && src="$a"
  prev="$a"
done
case "$src" in
  */llama.cpp/common/* | */llama.cpp/tools/* | */llama.cpp/vendor/*) level=-O0 ;;
  # The unity files that merge those sources (scripts/llamacpp-unity.cmake), written into the build folder.
  */CMakeFiles/llama-common.dir/Unity/* | */CMakeFiles/server-context.dir/Unity/* | */CMakeFiles/llama-server-impl.dir/Unity/* | */CMakeFiles/mtmd.dir/Unity/*) level=-O0 ;;
  # llama's src/, and the unity files of its model architectures (src/ is a unity build of its own).
  */llama.cpp/src/* | */CMakeFiles/llama.dir/Unity/*) level=-O1 ;;
  *) exec "$@" ;;
esac
n=$#
while [ "$n" -gt 0 ]; do
  a="$1"
  shift
  [ "$a" = "-O2" ] && a="$level"
  set -- "$@" "$a"
  n=$((n - 1))
done
exec "$@"
