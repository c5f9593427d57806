# One-shot character recognition (docs/omniglot.md): the glyph set builder.
# - The engine decodes Omniglot PNGs with stb_image (Debian's libstb holds the implementation).
# - tools/glyphs/make_glyphs renders the glyph data set from Noto fonts; built only when FreeType
#   is found. Its tests (ctest -L glyphs) rebuild a small subset twice and compare the bytes, and
#   rebuild the whole committed asset and compare it with assets/glyphs/glyphs.npz; both fetch
#   fonts-noto-core with `apt-get download` into the build tree if no font folder is given
#   (-DPS_NOTO_DIR=...), and are skipped when that is impossible.
if(NOT TARGET PkgConfig::STB)
  pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)
endif()
target_link_libraries(ps_engine PUBLIC PkgConfig::STB)
# The drawer synthesis must give the same bits on every build: no fused multiply-add contraction.
set_source_files_properties(${CMAKE_SOURCE_DIR}/engine/omniglot/glyph_synth.cpp PROPERTIES COMPILE_OPTIONS -ffp-contract=off)

find_package(Freetype QUIET)
if(FREETYPE_FOUND)
  add_executable(make_glyphs ${CMAKE_SOURCE_DIR}/tools/glyphs/make_glyphs.cpp
                             ${CMAKE_SOURCE_DIR}/engine/omniglot/glyph_synth.cpp)
  target_include_directories(make_glyphs PRIVATE ${CMAKE_SOURCE_DIR}/engine ${CMAKE_SOURCE_DIR}/tools/glyphs ${CMAKE_SOURCE_DIR}/tools)
  target_link_libraries(make_glyphs PRIVATE Freetype::Freetype PkgConfig::LIBZIP PkgConfig::STB)
  target_compile_options(make_glyphs PRIVATE ${PS_WARN} -ffp-contract=off)
  set_target_properties(make_glyphs PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

  set(PS_NOTO_DIR "" CACHE PATH "Folder with the Noto .ttf files (fonts-noto-core); empty = fetch the .deb for the glyph tests")
  # Registered at the end of the top-level directory, after include(CTest).
  function(ps_glyphs_register_tests)
    if(NOT BUILD_TESTING)
      return()
    endif()
    foreach(mode subset full)
      add_test(NAME glyphs_rebuild_${mode}
               COMMAND bash ${CMAKE_SOURCE_DIR}/tools/glyphs/rebuild_test.sh ${mode} $<TARGET_FILE:make_glyphs>
                       ${CMAKE_BINARY_DIR}/glyphs-test ${CMAKE_SOURCE_DIR}/assets/glyphs "${PS_NOTO_DIR}")
      set_tests_properties(glyphs_rebuild_${mode} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS glyphs
                                                           RESOURCE_LOCK glyphs_fonts)
    endforeach()
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL ps_glyphs_register_tests)
else()
  message(STATUS "FreeType not found: tools/glyphs/make_glyphs is not built (apt-get install libfreetype-dev)")
endif()
