// A small in-app file picker (there is no native dialog in GLFW): a folder listing filtered by
// extension, a name field, and OK / Cancel. One modal at a time.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace ps::gui {

class FileDialog {
public:
    using Done = std::function<void(const std::string& path)>;
    // save: the name field may name a new file (an existing one is overwritten after a warning).
    void open(const std::string& title, bool save, const std::string& ext, const std::string& start_path, Done done);
    void draw();   // call every frame

private:
    void list_dir();
    std::string title_, ext_, dir_, error_;
    char name_[512] = {0};
    bool save_ = false, open_ = false, request_ = false;
    std::vector<std::pair<std::string, bool>> entries_;   // (name, is_dir)
    Done done_;
};

}  // namespace ps::gui
