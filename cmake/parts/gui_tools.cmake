# GUI test tools (built with the GUI): the display-free EGL colormap check and a PNG region
# checker used by the Xvfb tests; `bench_gui` runs the frame-time benchmark (bench/README.md).
if(TARGET ps_gui)
  add_executable(ps_egl_colormap ${CMAKE_SOURCE_DIR}/tests/gui/egl_colormap.cpp)
  target_link_libraries(ps_egl_colormap PRIVATE ps_gui ps_render ps_engine)   # object libraries: all named
  target_compile_options(ps_egl_colormap PRIVATE ${PS_WARN})

  add_executable(ps_png_region ${CMAKE_SOURCE_DIR}/tests/gui/png_region.cpp)
  target_link_libraries(ps_png_region PRIVATE PkgConfig::STB)
  target_compile_options(ps_png_region PRIVATE ${PS_WARN})

  # Frame time with N = 1024, H re-uploaded every frame, the trainer running (the target:
  # 60 fps, p95 < 33 ms under Xvfb + llvmpipe). Prints the median and p95.
  # patterns/paper has N = pattern_size + 1 = 1001; 23 hidden neurons make it 1024.
  file(WRITE ${CMAKE_BINARY_DIR}/bench-gui-n1024.json "{\"preset\": \"paper\", \"hidden\": 23}\n")
  add_custom_target(bench_gui
    COMMAND ${CMAKE_COMMAND} -E env XDG_CONFIG_HOME=${CMAKE_BINARY_DIR}/bench-gui-config
            bash ${CMAKE_SOURCE_DIR}/tools/xvfb.sh
            $<TARGET_FILE:plastiscope> --task patterns --config ${CMAKE_BINARY_DIR}/bench-gui-n1024.json
            --bench-frames 600
    DEPENDS plastiscope
    COMMENT "GUI frame time (patterns, N = 1024, playing + training)"
    USES_TERMINAL)
endif()
