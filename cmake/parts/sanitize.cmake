# Sanitizer builds (tools/test.sh, tools/tsan.sh; docs/reliability.md). PS_SANITIZE itself is set
# in CMakeLists.txt; this part adds what the sanitizer runs need:
# - ps_tests_threads: for ThreadSanitizer, one Catch2 binary of only the unit-test files that
#   start threads, so a TSan build compiles the engine and those files instead of the whole
#   suite; tools/tsan.sh picks the cases to run. A test file that starts threads is added here by
#   name (the trainer handoff, the BOHP sweep's seeds in parallel, the threaded kernels, the
#   reliability cases that cancel and retire trainers).
if(PS_SANITIZE MATCHES "thread")
  find_package(Catch2 2.13 REQUIRED)
  set(ps_thread_src ${CMAKE_SOURCE_DIR}/tests/unit/main.cpp)
  foreach(f test_background_trainer test_bohp_tasks test_plastic_net test_reliability_threads)
    list(APPEND ps_thread_src ${CMAKE_SOURCE_DIR}/tests/unit/${f}.cpp)
  endforeach()
  add_executable(ps_tests_threads ${ps_thread_src})
  target_link_libraries(ps_tests_threads PRIVATE ps_engine Catch2::Catch2)
  target_compile_options(ps_tests_threads PRIVATE ${PS_WARN})
  set_target_properties(ps_tests_threads PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endif()
# - UBSan: Debian's Dear ImGui GL loader (imgui_impl_opengl3_loader.h, included by the backend we
#   compile) fills its union of 53 proc pointers from a longer name list: index 53 is past the
#   array (but inside the union's struct member). Third-party and benign in practice; its bounds
#   check is off for that object only, everything else keeps -fsanitize=undefined.
if(PS_SANITIZE MATCHES "undefined" AND TARGET imgui_backends_obj)
  target_compile_options(imgui_backends_obj PRIVATE -fno-sanitize=bounds)
endif()
