// plastiscope: subcommands (train, eval, grad, tasks, ...) or, with none, the live lab window.
#include <cstdio>
#include <string>
#include <vector>
#include "cli/commands.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty())
        for (const auto& c : ps::command_registry())
            if (c.name == args[0]) return c.run(std::vector<std::string>(args.begin() + 1, args.end()));
    std::fprintf(stderr, "plastiscope: unknown command\n");
    return 2;
}
