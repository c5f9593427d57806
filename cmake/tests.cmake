# Unit tests link the engine alone (Catch2, one binary, discovered by ctest).
find_package(Catch2 2.13 REQUIRED)
include(Catch)
file(GLOB PS_TEST_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/*.cpp)
add_executable(ps_tests ${PS_TEST_SRC})
target_link_libraries(ps_tests PRIVATE ps_engine Catch2::Catch2)
target_compile_options(ps_tests PRIVATE ${PS_WARN})
catch_discover_tests(ps_tests PROPERTIES TIMEOUT 600)

# Per-feature test registrations (CLI, GUI, ...): tests/*.cmake
file(GLOB PS_TEST_PARTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/*.cmake)
foreach(part ${PS_TEST_PARTS})
  include(${part})
endforeach()
