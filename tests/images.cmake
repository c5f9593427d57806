# Natural-image completion (docs/images.md): the patch-set builder and its byte-identical rebuild check.
# (The tool's target lives here because this file is the images part's own cmake file.)
add_executable(make_images ${CMAKE_SOURCE_DIR}/tools/images/make_images.cpp)
target_include_directories(make_images PRIVATE ${CMAKE_SOURCE_DIR}/tools)
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

# The images Task view under Xvfb: the app opens the task with the shipped quick checkpoint, plays
# an episode past the probe (the panel draws the stored images, the probe, the test steps and the
# trace), and must exit cleanly with no error shown.
find_program(PS_IMAGES_XVFB Xvfb)
if(BUILD_TESTING AND PS_BUILD_GUI AND PS_IMAGES_XVFB)
  add_test(NAME gui_images_panel
           COMMAND bash ${CMAKE_SOURCE_DIR}/tools/xvfb.sh
                   $<TARGET_FILE:plastiscope> --task images --preset quick
                   --checkpoint ${CMAKE_SOURCE_DIR}/assets/checkpoints/images-quick.npz
                   --frames 215 --at 3 play --at 210 pause
                   --screenshot ${CMAKE_BINARY_DIR}/gui-tests/images_panel.png --size 1600x960)
  set_tests_properties(gui_images_panel PROPERTIES LABELS "gui;images" TIMEOUT 300 RESOURCE_LOCK xvfb
                       ENVIRONMENT "HOME=${CMAKE_BINARY_DIR}/gui-tests/images-home"
                       PASS_REGULAR_EXPRESSION "errors_shown=0 diverged=0")
endif()

# Independent numpy check of the images task's gradients (clamped inputs, plain Hebb and Oja,
# independent and shared alpha): tools/images/check_grad_images.py on `plastiscope grad` dumps.
if(BUILD_TESTING AND EXISTS /usr/bin/python3)
  foreach(v "quick;hebb" "quick-shared;oja")
    list(GET v 0 preset)
    list(GET v 1 rule)
    add_test(NAME images_numpy_grad_${preset}_${rule}
             COMMAND bash -c "/usr/bin/python3 -c 'import numpy' 2>/dev/null || exit 77; \
$<TARGET_FILE:plastiscope> grad --task images --preset ${preset} --seed 3 --out ${CMAKE_BINARY_DIR}/images-grad-${preset}.npz \
prestime=4 cycles=2 init_scale=0.3 eta_init=0.1 rule=${rule} && \
/usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/images/check_grad_images.py ${CMAKE_BINARY_DIR}/images-grad-${preset}.npz 12")
    set_tests_properties(images_numpy_grad_${preset}_${rule} PROPERTIES LABELS images TIMEOUT 300 SKIP_RETURN_CODE 77)
  endforeach()
endif()
