# Maze CLI checks: a short train / resume / eval round trip (including the within-episode window
# metric) and a clear error for a bad maze size. The unit tests are in tests/unit/test_maze.cpp.
if(TARGET plastiscope)
  set(PS_MAZE_TMP ${CMAKE_BINARY_DIR}/maze-tmp)
  file(MAKE_DIRECTORY ${PS_MAZE_TMP})
  add_test(NAME maze_cli_train_resume_eval
           COMMAND sh -c "set -e; rm -rf r; \
             $<TARGET_FILE:plastiscope> train --task maze --preset quick --episodes 160 --checkpoint-every 80 --out r --quiet; \
             $<TARGET_FILE:plastiscope> train --task maze --preset quick --episodes 240 --resume --out r --quiet; \
             test $(tail -n 1 r/metrics.csv | cut -d, -f1) = 240; \
             $<TARGET_FILE:plastiscope> eval --checkpoint r/checkpoint.npz --episodes 20 eval_window=1 | grep 'reward per episode'"
           WORKING_DIRECTORY ${PS_MAZE_TMP})
  add_test(NAME maze_cli_even_size
           COMMAND ${CMAKE_SOURCE_DIR}/tests/expect_fail.sh "size must be odd" -- $<TARGET_FILE:plastiscope>
                   train --task maze --episodes 8 size=8 --out ${PS_MAZE_TMP}/even)
  set_tests_properties(maze_cli_train_resume_eval maze_cli_even_size PROPERTIES TIMEOUT 300)
endif()
