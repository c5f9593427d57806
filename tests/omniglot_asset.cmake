# The real Omniglot asset (assets/omniglot/README.md) and its tool, tools/omniglot/make_omniglot.py:
#   omniglot_tool            the tool on made-up 1-bit drawings (folder == zip, exact ink, bad input)
#   omniglot_asset_rebuild   the committed files rebuilt from the original zips and compared byte for
#                            byte; needs PS_OMNIGLOT_SOURCE (the folder holding the zips) at test
#                            time, skipped otherwise
add_test(NAME omniglot_tool
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/omniglot/test_make_omniglot.py ${CMAKE_BINARY_DIR}/omniglot-tool-test)
add_test(NAME omniglot_asset_rebuild
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/omniglot/test_make_omniglot.py ${CMAKE_BINARY_DIR}/omniglot-tool-test
                 --rebuild)
set_tests_properties(omniglot_tool omniglot_asset_rebuild PROPERTIES LABELS omniglot TIMEOUT 120 SKIP_RETURN_CODE 77
                                                                    RESOURCE_LOCK omniglot_tool_dir)
