# The installed program stands alone (label `install`): installs into a temporary prefix, moves
# it, and runs `plastiscope --version`, `tasks` and short headless runs from another folder with the
# source tree's assets hidden (tests/install_test.sh).
add_test(NAME install_relocated
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/install_test.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}
                 ${CMAKE_BINARY_DIR}/install-test)
set_tests_properties(install_relocated PROPERTIES LABELS install TIMEOUT 300)
