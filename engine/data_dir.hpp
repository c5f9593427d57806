// Where the program's read-only data (assets: data sets, pretrained checkpoints, lessons, maze
// curves) are found, so an installed or moved program works from any folder:
//   1. $PS_DATA_DIR, when set (a user's own copy);
//   2. <folder of the binary>/../share/plastiscope, when that folder exists: the layout
//      `cmake --install` and the .deb create (bin/plastiscope beside share/plastiscope);
//   3. the source tree's assets/ folder compiled in as PS_ASSETS_DIR: running from the build tree.
// "The binary" is the shared library holding the engine when there is one (the Python module),
// else the executable.
#pragma once
#include <string>

namespace ps {

// The folder, without a trailing slash. Resolved once per process.
const std::string& data_dir();
// data_dir() + "/" + rel.
std::string data_path(const std::string& rel);
// Which of the three rules above chose the folder ("PS_DATA_DIR", "installed", "source tree").
const char* data_dir_origin();

}  // namespace ps
