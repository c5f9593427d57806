# The plastiscope executable: CLI subcommands always; the GUI when PS_BUILD_GUI is on.
# Object libraries pass their usage requirements on but not their object files, so every
# executable names each object library it uses (ps_engine, ps_render, ps_gui).

# Pictures drawn on the CPU, without a window (the canvas, the frames of exported episodes, the
# GIF and MP4 writers): the CLI's figures and the GUI's File > Export share them.
find_package(GIF 5 REQUIRED)
file(GLOB PS_RENDER_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/app/render/*.cpp)
add_library(ps_render OBJECT ${PS_RENDER_SRC})
target_include_directories(ps_render PUBLIC ${CMAKE_SOURCE_DIR}/app)
target_link_libraries(ps_render PUBLIC ps_engine GIF::GIF ZLIB::ZLIB)
target_compile_options(ps_render PRIVATE ${PS_WARN})

file(GLOB PS_CLI_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/app/cli/*.cpp)
set(PS_APP_SRC ${CMAKE_SOURCE_DIR}/app/main.cpp ${PS_CLI_SRC})

if(PS_BUILD_GUI AND NOT EXISTS ${CMAKE_SOURCE_DIR}/app/gui/gui.hpp)
  message(STATUS "app/gui/gui.hpp not present: building the CLI only")
  set(PS_BUILD_GUI OFF)
endif()
if(PS_BUILD_GUI)
  pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
  pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)
  pkg_get_variable(IMGUI_INCLUDEDIR imgui includedir)
  find_package(glfw3 3.3 REQUIRED)
  find_package(OpenGL REQUIRED COMPONENTS OpenGL EGL)

  # Dear ImGui backends: compile Debian's shipped sources when present, else use the copies
  # inside libimgui.a.
  set(IMGUI_BACKEND_SRC_DIR "/usr/share/doc/libimgui-dev/examples/backends")
  add_library(imgui_backends INTERFACE)
  target_include_directories(imgui_backends SYSTEM INTERFACE ${IMGUI_INCLUDEDIR}/backends)
  if(EXISTS "${IMGUI_BACKEND_SRC_DIR}/imgui_impl_opengl3.cpp")
    add_library(imgui_backends_obj OBJECT ${IMGUI_BACKEND_SRC_DIR}/imgui_impl_glfw.cpp
                                          ${IMGUI_BACKEND_SRC_DIR}/imgui_impl_opengl3.cpp)
    target_include_directories(imgui_backends_obj PRIVATE ${IMGUI_INCLUDEDIR}/backends)
    target_link_libraries(imgui_backends_obj PRIVATE PkgConfig::IMGUI glfw)
    target_sources(imgui_backends INTERFACE $<TARGET_OBJECTS:imgui_backends_obj>)
  endif()
  target_link_libraries(imgui_backends INTERFACE PkgConfig::IMGUI glfw OpenGL::GL ${CMAKE_DL_LIBS})

  # GLSL in shaders/ is embedded at build time as C++ string literals.
  file(GLOB PS_SHADERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/shaders/*.glsl)
  string(REPLACE ";" "|" PS_SHADERS_JOINED "${PS_SHADERS}")   # a list would split the -D argument
  set(PS_SHADER_CPP ${CMAKE_BINARY_DIR}/generated/shaders.cpp)
  add_custom_command(OUTPUT ${PS_SHADER_CPP}
    COMMAND ${CMAKE_COMMAND} -DOUT=${PS_SHADER_CPP} "-DIN=${PS_SHADERS_JOINED}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_shaders.cmake
    DEPENDS ${PS_SHADERS} ${CMAKE_SOURCE_DIR}/cmake/embed_shaders.cmake
    COMMENT "Embedding shaders")

  file(GLOB PS_GUI_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/app/gui/*.cpp)
  # GL + ImGui code shared by the windowed app and the EGL (display-free) renderer.
  add_library(ps_gui OBJECT ${PS_GUI_SRC} ${PS_SHADER_CPP})
  target_include_directories(ps_gui PUBLIC ${CMAKE_SOURCE_DIR}/app ${IMGUI_INCLUDEDIR}/backends)
  target_link_libraries(ps_gui PUBLIC ps_engine ps_render PkgConfig::IMGUI PkgConfig::STB OpenGL::GL OpenGL::EGL imgui_backends)
  target_compile_options(ps_gui PRIVATE ${PS_WARN})
  target_compile_definitions(ps_gui PUBLIC PS_HAVE_GUI=1)
endif()

add_executable(plastiscope ${PS_APP_SRC})
target_include_directories(plastiscope PRIVATE ${CMAKE_SOURCE_DIR}/app)
target_compile_options(plastiscope PRIVATE ${PS_WARN})
target_compile_definitions(plastiscope PRIVATE PS_VERSION="${PROJECT_VERSION}")
if(PS_BUILD_GUI)
  target_link_libraries(plastiscope PRIVATE ps_gui ps_render ps_engine)
else()
  target_link_libraries(plastiscope PRIVATE ps_render ps_engine)
endif()
set_target_properties(plastiscope PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
