# libFuzzer targets, one per loader (tests/fuzz/fuzz_*.cpp), and their timed runs as ctests
# (label "fuzz"). Needs clang (Debian's clang + libclang-rt-14-dev) and is meant for a sanitizer
# build, e.g. the one tools/test.sh makes:
#   CC=clang CXX=clang++ cmake -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPS_SANITIZE=address,undefined -DPS_FUZZ=ON
# Only the loaders and the tasks (whose load() validates checkpoint arrays) get libFuzzer's
# coverage instrumentation, so the rest of the suite in the same build runs at plain ASan speed.
# Each run: tests/fuzz/run_fuzz.sh (seeds from tests/fuzz/corpus/<target>, new inputs kept in
# <build>/fuzz-runs/<target>/corpus, crashes written there as crash-*), PS_FUZZ_SECONDS seconds.
option(PS_FUZZ "Build the libFuzzer targets (clang only) and register timed fuzz runs as ctests" OFF)
set(PS_FUZZ_SECONDS 60 CACHE STRING "Seconds each fuzz ctest runs its target")
if(PS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "PS_FUZZ needs clang (libFuzzer): configure with CC=clang CXX=clang++")
  endif()
  file(GLOB PS_FUZZ_COVERED CONFIGURE_DEPENDS
       ${CMAKE_SOURCE_DIR}/engine/npz.cpp ${CMAKE_SOURCE_DIR}/engine/arrays.cpp ${CMAKE_SOURCE_DIR}/engine/fields.cpp
       ${CMAKE_SOURCE_DIR}/engine/checkpoint.cpp ${CMAKE_SOURCE_DIR}/engine/task.cpp
       ${CMAKE_SOURCE_DIR}/engine/omniglot/dataset.cpp ${CMAKE_SOURCE_DIR}/engine/flp/flp_data.cpp
       ${CMAKE_SOURCE_DIR}/engine/image_decode.cpp ${CMAKE_SOURCE_DIR}/engine/images/image_data.cpp
       ${CMAKE_SOURCE_DIR}/engine/tasks/*.cpp)
  set_property(SOURCE ${PS_FUZZ_COVERED} APPEND PROPERTY COMPILE_OPTIONS -fsanitize=fuzzer-no-link)
  # clang refuses a precompiled header built without that flag in a file compiled with it.
  set_source_files_properties(${PS_FUZZ_COVERED} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)

  file(GLOB PS_FUZZ_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.cpp)
  foreach(src ${PS_FUZZ_SRC})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/fuzz ${CMAKE_SOURCE_DIR}/engine)
    target_link_libraries(${name} PRIVATE ps_engine)
    target_compile_options(${name} PRIVATE ${PS_WARN} -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    list(APPEND PS_FUZZ_TARGETS ${name})
  endforeach()
  add_custom_target(fuzz_all DEPENDS ${PS_FUZZ_TARGETS})

  # Targets whose loader has a known, reported finding: still built, their runs labelled
  # "fuzz-known" instead of "fuzz" so the test command leaves them out until the loader is fixed.
  # Empty: every finding so far is fixed (docs/reliability.md). `ctest -L fuzz-known` runs them.
  set(PS_FUZZ_KNOWN_FINDINGS "" CACHE STRING
      "Fuzz targets with a reported, unfixed finding (label fuzz-known, not run by tools/test.sh)")
  function(ps_fuzz_register_tests)
    if(NOT BUILD_TESTING)
      return()
    endif()
    foreach(name ${PS_FUZZ_TARGETS})
      add_test(NAME ${name}
               COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fuzz/run_fuzz.sh $<TARGET_FILE:${name}>
                       ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name} ${CMAKE_BINARY_DIR}/fuzz-runs/${name} ${PS_FUZZ_SECONDS})
      math(EXPR timeout "${PS_FUZZ_SECONDS} * 3 + 120")
      set(label fuzz)
      if(name IN_LIST PS_FUZZ_KNOWN_FINDINGS)
        set(label fuzz-known)
      endif()
      set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT ${timeout})
    endforeach()
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL ps_fuzz_register_tests)
endif()
