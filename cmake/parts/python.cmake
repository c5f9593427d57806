# The Python module `import plastiscope` (python/): the engine through pybind11 (_plastiscope) and
# a pure-Python part (Recorder, ...). Built into build/python/plastiscope/ as part of `all`, so
# after the README's set-up `PYTHONPATH=build/python /usr/bin/python3 -c "import plastiscope"`
# works; installed (component `python`) into the system Python's dist-packages.
#
# Debian's /usr/bin/python3 is the interpreter the module is for (the one python3-numpy and
# python3-torch belong to), not whatever python3 comes first on PATH.
if(NOT DEFINED Python_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python_EXECUTABLE /usr/bin/python3)
endif()
# Off by default under the sanitizers: an instrumented module cannot load into a plain python.
set(ps_python_default OFF)
if(NOT PS_SANITIZE)
  find_package(Python 3.6 QUIET COMPONENTS Interpreter Development.Module)
  if(Python_FOUND)
    set(PYBIND11_FINDPYTHON ON)
    find_package(pybind11 2.6 CONFIG QUIET)
    if(pybind11_FOUND)
      set(ps_python_default ON)
    endif()
  endif()
endif()
option(PS_PYTHON "Build the Python module (needs pybind11-dev and python3-dev)" ${ps_python_default})

if(PS_PYTHON)
  if(NOT pybind11_FOUND)
    message(FATAL_ERROR "PS_PYTHON is on but pybind11 or the Python headers were not found "
                        "(install pybind11-dev and python3-dev, or configure with -DPS_PYTHON=OFF)")
  endif()
  # A Python extension is a shared object: the engine's objects it links must be position
  # independent. The executables link the same objects; -fno-semantic-interposition keeps GCC
  # inlining and calling the engine's functions directly, as without -fPIC.
  set_target_properties(ps_engine PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(ps_engine PRIVATE -fno-semantic-interposition)
  endif()

  set(PS_PY_OUT ${CMAKE_BINARY_DIR}/python/plastiscope)
  file(GLOB PS_PY_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/src/*.cpp)
  pybind11_add_module(_plastiscope MODULE NO_EXTRAS ${PS_PY_SRC})
  target_link_libraries(_plastiscope PRIVATE ps_engine)
  # Calls between the engine's functions bind inside the module (direct calls, as in the
  # executable) instead of going through the PLT for a symbol nothing else could provide.
  target_link_options(_plastiscope PRIVATE -Wl,-Bsymbolic-functions)
  target_compile_options(_plastiscope PRIVATE ${PS_WARN})
  set_target_properties(_plastiscope PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${PS_PY_OUT})

  # The pure-Python files beside the compiled module (copied at configure time; an edit re-runs
  # the configure step).
  file(GLOB PS_PY_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/plastiscope/*.py)
  foreach(f ${PS_PY_FILES})
    get_filename_component(n ${f} NAME)
    configure_file(${f} ${PS_PY_OUT}/${n} COPYONLY)
  endforeach()

  # dist-packages of this Python under the prefix: /usr/local/lib/python3.X/dist-packages for
  # `cmake --install`, /usr/lib/python3.X/dist-packages in a package; both are on Debian's
  # sys.path.
  set(PS_PYTHON_INSTALL_DIR "lib/python${Python_VERSION_MAJOR}.${Python_VERSION_MINOR}/dist-packages"
      CACHE STRING "Where `cmake --install` puts the plastiscope package (relative to the prefix)")
  install(TARGETS _plastiscope LIBRARY DESTINATION ${PS_PYTHON_INSTALL_DIR}/plastiscope COMPONENT python)
  install(FILES ${PS_PY_FILES} DESTINATION ${PS_PYTHON_INSTALL_DIR}/plastiscope COMPONENT python)
endif()
