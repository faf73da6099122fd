# Unity builds for the llama-server build's template-heavy C++ (scripts/install-llamacpp.js passes this file as
# CMAKE_PROJECT_INCLUDE). The sources of llama.cpp's common/ library, the server's two libraries and mtmd are compiled
# at -O0 (scripts/llamacpp-cc-launcher.sh); what they cost is parsing the same headers (nlohmann/json, the chat and
# template code) again in each file. Compiled 40 to a file instead, their code is the same and the headers are parsed
# once per 40. Measured 2026-12-07 on 2 cores, the build alone (ninja -j2): 197 s and 388 s of CPU one file each; 148 s
# and 290 s 6 to a file (one engine's rate, 100 tokens, -t 1, medians of 12, three rounds alternated: 73.9, 72.1 and
# 75.0 tokens/s against 72.7, 73.0 and 75.0 one file each); later the same day 143 s and 282 s 6 to a file against
# 133 s and 262 s 12 to a file (rate 72.4 and 72.3 tokens/s against 72.4 and 72.4; an engine's start to /health the
# same, about 345 ms). The longest file then takes 16 s of the 133. 40 to a file (common/ in 2 files, mtmd in 2 with its
# helpers; 100 does not compile): 122 s and 241 s of CPU against 126 s and 248 s at 12, built one after the other
# (rate 67, 74, 77 tokens/s against 68, 75, 73 alternated; start to /health 326 ms against 328, medians of 12).
# ggml is left as llama.cpp builds it; llama's src/ is a unity build of its own, extended below.
# Two sets of sources do not compile merged with the others: common/json.cpp (it specializes templates the others
# instantiate) and mtmd-helper*.cpp (they refuse mtmd's internal headers), so they stay files of their own.
#
# The file is included after each project() call; the change is made once, when the top-level CMakeLists.txt has been
# read and every target exists.
get_property(_llorch_deferred GLOBAL PROPERTY LLORCH_UNITY_DEFERRED)
if(NOT _llorch_deferred)
  set_property(GLOBAL PROPERTY LLORCH_UNITY_DEFERRED ON)
  function(_llorch_unity)
    foreach(target llama-common server-context llama-server-impl mtmd)
      if(NOT TARGET ${target})
        message(FATAL_ERROR "llamacpp-unity.cmake: no target ${target} in this llama.cpp (the list names its targets)")
      endif()
      set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 40)
    endforeach()
    set_source_files_properties(${CMAKE_SOURCE_DIR}/common/json.cpp DIRECTORY ${CMAKE_SOURCE_DIR}/common
      PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
    file(GLOB helpers ${CMAKE_SOURCE_DIR}/tools/mtmd/mtmd-helper*.cpp)
    set_source_files_properties(${helpers} DIRECTORY ${CMAKE_SOURCE_DIR}/tools/mtmd
      PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
    _llorch_unity_llama()
  endfunction()
  # llama's src/: llama.cpp merges its model architectures 16 to a file and compiles its core (the model loader, the
  # KV caches, the graph, sampling, the vocabulary) one file each, each parsing the same headers. Here the core is
  # merged too, in 2 files, and the architectures stay in their batches of 16, in the same order. One core file
  # defines a helper another defines too (llama-kv-cache-dsv4.cpp's dsv4_plan_positions), so it stays a file of its own.
  # Measured 2026-12-08 on 2 cores (the whole build alone, ninja -j2, alternated): 115 s and 226 s of CPU, 101 s and
  # 199 s, against 124 s and 243 s, 112 s and 219 s before; in 3 files 219 s. The 31 core files at -O1, one compiler
  # after the other: 71 s one file each, 35 s all in one. Rate (100 tokens, -t 1, medians of 12, three rounds
  # alternated) 72.8, 74.0 and 75.2 tokens/s against 74.7, 75.5 and 73.7; start to /health the same (about 300 ms).
  function(_llorch_unity_llama)
    if(NOT TARGET llama)
      message(FATAL_ERROR "llamacpp-unity.cmake: no target llama in this llama.cpp")
    endif()
    get_target_property(dir llama SOURCE_DIR)
    get_target_property(sources llama SOURCES)
    set(models "")
    set(core "")
    foreach(source ${sources})
      if(NOT source MATCHES "\\.cpp$")
        continue()
      endif()
      if(NOT IS_ABSOLUTE "${source}")
        set(source "${dir}/${source}")
      endif()
      if(source MATCHES "/models/[^/]*$")
        list(APPEND models "${source}")
      elseif(NOT source MATCHES "llama-kv-cache-dsv4\\.cpp$")
        list(APPEND core "${source}")
      endif()
    endforeach()
    set_target_properties(llama PROPERTIES UNITY_BUILD_MODE GROUP)
    set(k 0)
    foreach(source ${models})
      math(EXPR group "${k} / 16")
      set_source_files_properties(${source} DIRECTORY ${dir} PROPERTIES UNITY_GROUP "models_${group}")
      math(EXPR k "${k} + 1")
    endforeach()
    list(LENGTH core count)
    math(EXPR per "(${count} + 1) / 2")
    set(k 0)
    foreach(source ${core})
      math(EXPR group "${k} / ${per}")
      set_source_files_properties(${source} DIRECTORY ${dir}
        PROPERTIES UNITY_GROUP "core_${group}" SKIP_UNITY_BUILD_INCLUSION OFF)
      math(EXPR k "${k} + 1")
    endforeach()
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _llorch_unity)
endif()
