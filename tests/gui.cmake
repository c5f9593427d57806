# GUI tests: the real app under Xvfb (every task, files, error paths; tests/gui/gui_test.sh) and
# the colormap shader against the CPU colormap in an EGL surfaceless context (no X at all).
# ThreadSanitizer: tools/tsan.sh builds build-tsan and runs the [trainer] tests; configure with
# -DPS_TSAN_TEST=ON to register that run as the ctest `tsan_trainer` (label "tsan").
if(TARGET ps_egl_colormap AND TARGET ps_png_region)
  add_test(NAME gui_egl_colormap COMMAND ps_egl_colormap)
  set_tests_properties(gui_egl_colormap PROPERTIES LABELS "gui" TIMEOUT 120 ENVIRONMENT "DISPLAY=")

  find_program(PS_XVFB Xvfb)
  if(PS_XVFB)
    foreach(case smoke each_task task_panels corrupt_menu bad_value extreme open_no_stall history lessons view export corrupt_flag bad_flag no_display remember files monkey)
      add_test(NAME gui_${case}
               COMMAND bash ${CMAKE_SOURCE_DIR}/tests/gui/gui_test.sh ${case} $<TARGET_FILE:plastiscope>
                       $<TARGET_FILE:ps_png_region> ${CMAKE_BINARY_DIR}/gui-tests/${case})
      # Each run has its own X server (tools/xvfb.sh); one GUI test at a time keeps llvmpipe off
      # the other lane's core.
      set_tests_properties(gui_${case} PROPERTIES LABELS "gui" TIMEOUT 900 RESOURCE_LOCK xvfb
                           FAIL_REGULAR_EXPRESSION "FAIL \\(")
    endforeach()
  else()
    message(STATUS "Xvfb not found: the Xvfb GUI tests are not registered")
  endif()
endif()

option(PS_TSAN_TEST "Register tools/tsan.sh (ThreadSanitizer build + [trainer] tests) as a ctest" OFF)
if(PS_TSAN_TEST)
  add_test(NAME tsan_trainer COMMAND bash ${CMAKE_SOURCE_DIR}/tools/tsan.sh)
  set_tests_properties(tsan_trainer PROPERTIES LABELS "tsan" TIMEOUT 3600)
endif()
