// Runs the irqlab binary as a user would, capturing its output and exit code.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace irqlab::test {

struct CliResult {
    int code;
    std::string out, err;
};

inline std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::string temp_path(const std::string& name) {
    return "/tmp/irqlab-test-" + std::to_string(getpid()) + "-" + name;
}

inline CliResult irqlab_cli(const std::string& args) {
    std::string out = temp_path("out"), err = temp_path("err");
    std::string cmd = std::string("cd " IRQLAB_SOURCE_DIR " && " IRQLAB_BINARY " ") + args + " >" + out + " 2>" + err;
    int status = std::system(cmd.c_str());
    CliResult r{WIFEXITED(status) ? WEXITSTATUS(status) : 128, slurp(out), slurp(err)};
    std::remove(out.c_str());
    std::remove(err.c_str());
    return r;
}

}  // namespace irqlab::test
