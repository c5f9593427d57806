# CLI tests: bad flags, unknown task, corrupt checkpoints each give one clear line and a non-zero
# exit; a short train / resume / eval / grad round trip works; numpy checks the gradient dump.
set(PS_BIN $<TARGET_FILE:plastiscope>)
set(PS_EXPECT ${CMAKE_SOURCE_DIR}/tests/expect_fail.sh)
set(PS_CLI_TMP ${CMAKE_BINARY_DIR}/cli-tmp)
file(MAKE_DIRECTORY ${PS_CLI_TMP})
file(WRITE ${PS_CLI_TMP}/corrupt.npz "PK this starts like a zip archive but is not one")
file(WRITE ${PS_CLI_TMP}/text.npz "hello")

function(ps_cli_fail name pattern)
  add_test(NAME cli_${name} COMMAND ${PS_EXPECT} "${pattern}" -- ${PS_BIN} ${ARGN})
endfunction()
ps_cli_fail(unknown_command "unknown command 'frobnicate'" frobnicate)
ps_cli_fail(unknown_task "unknown task 'nope'" train --task nope)
ps_cli_fail(missing_task "--task is required" train --episodes 3)
ps_cli_fail(bad_flag "unknown option --epochs" train --task patterns --epochs 3)
ps_cli_fail(bad_number "--episodes expects an integer" train --task patterns --episodes abc)
ps_cli_fail(bad_preset "unknown preset 'huge'" train --task patterns --preset huge)
ps_cli_fail(bad_key "unknown key 'eta0'" train --task patterns eta0=0.1)
ps_cli_fail(out_of_range "bad value for 'lr'" train --task patterns lr=5)
ps_cli_fail(missing_value "--seed needs a value" train --task patterns --seed)
ps_cli_fail(corrupt_checkpoint "corrupt.npz" eval --checkpoint ${PS_CLI_TMP}/corrupt.npz)
ps_cli_fail(text_checkpoint "text.npz" eval --checkpoint ${PS_CLI_TMP}/text.npz)
ps_cli_fail(missing_checkpoint "nothere.npz" eval --checkpoint ${PS_CLI_TMP}/nothere.npz)
ps_cli_fail(resume_without_checkpoint "checkpoint.npz" train --task patterns --resume --out ${PS_CLI_TMP}/empty-run)
ps_cli_fail(grad_needs_out "--out FILE.npz is required" grad --task patterns)

add_test(NAME cli_train_resume_eval
         COMMAND sh -c "set -e; rm -rf r; \
           ${PS_BIN} train --task patterns --preset bits50 --episodes 300 --checkpoint-every 100 --out r --quiet; \
           ${PS_BIN} train --task patterns --preset bits50 --episodes 500 --out r --resume --quiet; \
           test $(wc -l < r/metrics.csv) -eq 501; \
           ${PS_BIN} eval --checkpoint r/checkpoint.npz --episodes 50 | grep -q '95% CI'; \
           ${PS_BIN} train --task patterns --preset bits50 --episodes 600 --out r --resume --quiet lr=0.0002; \
           grep -q '\"lr\": *0.0002' r/config.json; \
           ${PS_EXPECT} \"'hidden' rebuilds the network\" -- ${PS_BIN} train --task patterns --preset bits50 --episodes 700 --out r --resume hidden=5; \
           head -c 3000 r/checkpoint.npz > r/truncated.npz; \
           ${PS_EXPECT} truncated.npz -- ${PS_BIN} eval --checkpoint r/truncated.npz"
         WORKING_DIRECTORY ${PS_CLI_TMP})
add_test(NAME cli_tasks COMMAND sh -c "${PS_BIN} tasks | grep -q patterns && ${PS_BIN} train --task patterns --help | grep -q eta_init")

find_program(PS_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(PS_PYTHON3)
  foreach(cfg "hebb;independent;scalar" "oja;shared;per-neuron")
    list(GET cfg 0 rule)
    list(GET cfg 1 alpha)
    list(GET cfg 2 eta)
    add_test(NAME cli_grad_numpy_${rule}_${alpha}
             COMMAND sh -c "${PS_BIN} grad --task patterns --preset bits50 --seed 3 rule=${rule} alpha=${alpha} eta_mode=${eta} init_scale=0.3 eta_init=0.2 --out g_${rule}.npz >/dev/null && \
                            ${PS_PYTHON3} ${CMAKE_SOURCE_DIR}/tools/check_grad.py g_${rule}.npz"
             WORKING_DIRECTORY ${PS_CLI_TMP})
  endforeach()
endif()
