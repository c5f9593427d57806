# Sanitizer builds (tools/test.sh, tools/tsan.sh; docs/reliability.md). PS_SANITIZE itself is set
# in CMakeLists.txt; this part adds what the sanitizer runs need:
# - ps_tests_threads: for ThreadSanitizer, one Catch2 binary of only the unit-test files that
#   start threads (they name std::thread, std::async, the [trainer] or [threads] tag, or set
#   .threads = 2+), so a TSan build
#   compiles the engine and those files instead of the whole suite. tools/tsan.sh picks
#   the cases to run.
if(PS_SANITIZE MATCHES "thread")
  find_package(Catch2 2.13 REQUIRED)
  file(GLOB ps_unit_src CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.cpp)
  set(ps_thread_src ${CMAKE_SOURCE_DIR}/tests/unit/main.cpp)
  foreach(f ${ps_unit_src})
    file(READ ${f} ps_txt)
    if(ps_txt MATCHES "std::thread|std::async|\\[trainer\\]|\\[threads\\]|\\.threads *= *[2-9]")
      list(APPEND ps_thread_src ${f})
    endif()
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
