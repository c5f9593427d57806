# Sourced by the data-set rebuild checks (tools/glyphs/rebuild_test.sh, tools/images/rebuild_test.sh):
# the byte-for-byte comparison each of them ends with.
# shellcheck shell=bash

# same_bytes LABEL_A FILE_A LABEL_B FILE_B FAILURE: prints both files' SHA-256 after their labels;
# when they differ, prints "FAIL: FAILURE" and exits 1.
same_bytes() {
  local a b
  a=$(sha256sum <"$2") b=$(sha256sum <"$4")
  echo "$1 $a"
  echo "$3 $b"
  [[ "$a" == "$b" ]] || { echo "FAIL: $5"; exit 1; }
}
