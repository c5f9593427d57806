# Unit tests link the engine alone (Catch2, one binary, discovered by ctest).
find_package(Catch2 2.13 REQUIRED)
include(Catch)
file(GLOB PS_TEST_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/*.cpp)
add_executable(ps_tests ${PS_TEST_SRC})
target_link_libraries(ps_tests PRIVATE ps_engine Catch2::Catch2)
target_compile_options(ps_tests PRIVATE ${PS_WARN})
# Two discoveries: the tests that check that something learns (Catch tag [learning]) get the
# ctest label "learning", so the test command can run them on a generic x86-64 build as well
# (their verdicts are judged over seeds and must hold on any CPU's rounding) and leave them out
# of the sanitizer runs, where they would only repeat the Release build's arithmetic slowly.
# The Catch main (the whole test runner's implementation) at -O0: at -O3 it is the slowest file of
# the suite to compile (23 s of CPU against 12 s) in each of the test command's four builds, and
# the runner's own speed does not matter.
set_property(SOURCE ${CMAKE_SOURCE_DIR}/tests/unit/main.cpp APPEND PROPERTY COMPILE_OPTIONS -O0)
catch_discover_tests(ps_tests TEST_SPEC "~[learning]" PROPERTIES TIMEOUT 600)
catch_discover_tests(ps_tests TEST_SPEC "[learning]" PROPERTIES TIMEOUT 900 LABELS learning)
# Precompiled Catch2 + Eigen for the test files (each parses both: ~25 % of a test file's compile
# CPU at -O3, more at -O1). Off by default so existing build dirs keep their flags; the test
# command (tools/test.sh) turns it on for its build dirs. main.cpp defines CATCH_CONFIG_MAIN
# before its include, so it is left out.
# The engine's files get Eigen and the standard headers precompiled the same way (~1 min of CPU
# over the test command's three builds).
option(PS_PCH "Precompile Catch2 and Eigen headers for ps_tests, Eigen for the engine" OFF)
if(PS_PCH)
  target_precompile_headers(ps_engine PRIVATE <Eigen/Dense> <vector> <string> <map> <functional> <memory> <cmath>)
  target_precompile_headers(ps_tests PRIVATE <catch2/catch.hpp> <Eigen/Dense> <vector> <string> <map> <functional> <memory> <cmath>)
  set_source_files_properties(${CMAKE_SOURCE_DIR}/tests/unit/main.cpp PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
endif()

# The learning tests alone (their files and the Catch main), for the test command's generic
# x86-64 build (tools/test.sh: generic-build, generic): built only when asked for, run directly
# with the "[learning]" filter. A file that gains a [learning] test is added here.
set(PS_LEARNING_SRC main test_bohp_tasks test_flp_task test_images_task test_lstm_net test_maze test_omniglot_task test_patterns)
list(TRANSFORM PS_LEARNING_SRC PREPEND ${CMAKE_SOURCE_DIR}/tests/unit/)
list(TRANSFORM PS_LEARNING_SRC APPEND .cpp)
file(GLOB PS_TEST_HELPER_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/helpers*.cpp)
add_executable(ps_tests_learning EXCLUDE_FROM_ALL ${PS_LEARNING_SRC} ${PS_TEST_HELPER_SRC})
target_link_libraries(ps_tests_learning PRIVATE ps_engine Catch2::Catch2)
target_compile_options(ps_tests_learning PRIVATE ${PS_WARN})

# Per-feature test registrations (CLI, GUI, ...): tests/*.cmake
file(GLOB PS_TEST_PARTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/*.cmake)
foreach(part ${PS_TEST_PARTS})
  include(${part})
endforeach()
