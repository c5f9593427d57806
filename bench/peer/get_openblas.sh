#!/bin/sh
# Unpacks Debian's OpenBLAS (OpenMP build) into a private folder for the PyTorch peers, without
# installing it: installing libopenblas0-openmp would switch the system's libblas.so.3 for every
# process on the machine, ours included.
#   sh bench/peer/get_openblas.sh [DEST]        (default /tmp/peer-openblas)
# then run a peer (or ps_bench) with the folder it prints:
#   LD_LIBRARY_PATH=DEST/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/peer/torch_patterns.py
#   PS_PEER_LD_LIBRARY_PATH=DEST/usr/lib/x86_64-linux-gnu/openblas-openmp build/ps_bench
set -e
dest=${1:-/tmp/peer-openblas}
mkdir -p "$dest/debs"
cd "$dest/debs"
apt-get download libopenblas0-openmp
dpkg-deb -x libopenblas0-openmp_*.deb "$dest"
echo "LD_LIBRARY_PATH=$dest/usr/lib/x86_64-linux-gnu/openblas-openmp"
