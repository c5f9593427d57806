# Benchmarks (not run by ctest): build/ps_bench.
add_executable(ps_bench ${CMAKE_SOURCE_DIR}/bench/bench_engine.cpp)
target_link_libraries(ps_bench PRIVATE ps_engine)
# The PyTorch peers it runs beside our rows (bench/peer/README.md).
target_compile_definitions(ps_bench PRIVATE PS_PEER_DIR="${CMAKE_SOURCE_DIR}/bench/peer")
target_compile_options(ps_bench PRIVATE ${PS_WARN})
set_target_properties(ps_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
# The live history's cost (showing an earlier step, memory): build/ps_bench_history.
add_executable(ps_bench_history ${CMAKE_SOURCE_DIR}/bench/bench_history.cpp)
target_link_libraries(ps_bench_history PRIVATE ps_engine)
target_compile_options(ps_bench_history PRIVATE ${PS_WARN})
set_target_properties(ps_bench_history PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
