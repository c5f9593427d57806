# Installing and packaging (README "Install"):
#   cmake --install build --prefix DIR     DIR/bin/plastiscope and everything it reads in
#                                          DIR/share/plastiscope (data sets, pretrained checkpoints,
#                                          lessons, maze curves, their licences); shaders are
#                                          embedded in the binary. The binary finds the data folder
#                                          relative to itself (engine/data_dir.hpp), so DIR may be
#                                          moved anywhere afterwards.
#   cd build && cpack -G DEB               plastiscope_VERSION_ARCH.deb for /usr, its library
#                                          dependencies found by dpkg-shlibdeps (package dpkg-dev)
# The folder names are fixed (not GNUInstallDirs' variables) because the binary looks for exactly
# bin/../share/plastiscope.
install(TARGETS plastiscope RUNTIME DESTINATION bin)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/ DESTINATION share/plastiscope)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION share/doc/plastiscope)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION share/doc/plastiscope/docs)

set(CPACK_PACKAGE_NAME plastiscope)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Plastiscope")
set(CPACK_PACKAGE_CONTACT "Plastiscope maintainers <plastiscope@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "desktop lab for watching plastic neural networks learn, live")
set(CPACK_PACKAGE_DESCRIPTION
    "A real-time engine steps differentiable-plasticity networks (Miconi 2016/2018, Lindsey &\n Litwin-Kumar 2020) one timestep at a time while a Dear ImGui window shows their Hebbian\n traces; a background thread meta-trains them. Includes a command-line trainer.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Read at run time but not linked: the GUI's font and Mesa's drivers (llvmpipe where there is no
# GPU); MP4 export runs the ffmpeg program.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core, libgl1-mesa-dri")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ffmpeg")
if(PS_NATIVE)
  message(STATUS "PS_NATIVE is on: an installed or packaged binary runs only on CPUs like this one "
                 "(configure with -DPS_NATIVE=OFF for a package meant for other machines)")
endif()
include(CPack)
