# Natural-image completion (issue 4): the patch-set builder and its byte-identical rebuild check.
# (The tool's target lives here because this file is the images part's own cmake file.)
add_executable(make_images ${CMAKE_SOURCE_DIR}/tools/images/make_images.cpp)
target_link_libraries(make_images PRIVATE ps_engine PkgConfig::LIBZIP PkgConfig::STB)
target_compile_options(make_images PRIVATE ${PS_WARN})
set_target_properties(make_images PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
if(BUILD_TESTING)
  # Fetches three .debs (~40 MB) with apt-get download; skipped (exit 77) without the network.
  add_test(NAME images_rebuild
           COMMAND bash ${CMAKE_SOURCE_DIR}/tools/images/rebuild_test.sh $<TARGET_FILE:make_images>
                   ${CMAKE_BINARY_DIR}/images-test ${CMAKE_SOURCE_DIR}/assets/images)
  set_tests_properties(images_rebuild PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS "images;network")
endif()
