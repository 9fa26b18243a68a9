// `flowspike synth` end to end: the binary writes the class directories, the
// captures and the manifest, prints its table, and rejects bad arguments
// without writing anything.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/temp_dir.h"

namespace flowspike {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CliResult {
  int exit_code;
  std::string out, err;
};

class SynthCli : public ::testing::Test {
 protected:
  CliResult run(const std::string& args) const {
    const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
    const std::string command = fmt::format("'{}' synth {} > '{}' 2> '{}'", FLOWSPIKE_EXE, args, out, err);
    const int status = std::system(command.c_str());
    CliResult r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read(out), read(err)};
    fs::remove(out);
    fs::remove(err);
    return r;
  }
  std::string corpus(const std::string& name = "corpus") const { return dir.file(name); }

  testing::TempDir dir;
};

TEST_F(SynthCli, WritesClassDirectoriesCapturesAndManifest) {
  const CliResult r = run(fmt::format("-o '{}' --flows-per-class 2 --duration-s 60 --seed 4 --classes VoIP-NonVPN,chat-tor",
                                corpus()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"VoIP-NonVPN/voip-nonvpn-000.pcap", "VoIP-NonVPN/voip-nonvpn-001.pcap",
                        "Chat-Tor/chat-tor-000.pcap", "Chat-Tor/chat-tor-001.pcap", "manifest.json"})
    EXPECT_TRUE(fs::exists(fs::path(corpus()) / f)) << f;
  EXPECT_FALSE(fs::exists(fs::path(corpus()) / "Video-NonVPN"));
  EXPECT_NE(r.out.find("VoIP-NonVPN"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("total"), std::string::npos);
  EXPECT_NE(r.out.find("synthetic"), std::string::npos);
  std::ifstream in(fs::path(corpus()) / "manifest.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["captures"].size(), 4u);
  EXPECT_EQ(j["seed"], 4);
  EXPECT_EQ(j["snaplen"], 96);
}

TEST_F(SynthCli, SameArgumentsGiveTheSameBytes) {
  const std::string args = "--flows-per-class 1 --duration-s 60 --seed 9 --classes Browsing-Tor --nanosecond -q";
  ASSERT_EQ(run(fmt::format("-o '{}' {}", corpus("a"), args)).exit_code, 0);
  const CliResult r = run(fmt::format("-o '{}' {} --threads 1", corpus("b"), args));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // quiet
  const std::string file = "Browsing-Tor/browsing-tor-000.pcap";
  EXPECT_EQ(read(fs::path(corpus("a")) / file), read(fs::path(corpus("b")) / file));
}

TEST_F(SynthCli, BadArgumentsFailWithoutWritingAnything) {
  CliResult r = run(fmt::format("-o '{}' --classes Browsing-VPN", corpus()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown traffic class 'Browsing-VPN'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Video-NonVPN"), std::string::npos);  // lists the valid names
  r = run(fmt::format("-o '{}' --flows-per-class 0", corpus()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = run(fmt::format("-o '{}' --ipv6-fraction 1.5", corpus()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = run(fmt::format("-o '{}' --seed -1", corpus()));  // not wrapped to 2^64 - 1
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--seed: '-1' is not a whole number"), std::string::npos) << r.err;
  r = run(fmt::format("-o '{}' --seed=-5", corpus()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("'-5' is not a whole number"), std::string::npos) << r.err;
  r = run(fmt::format("-o '{}' --snaplen 20", corpus()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("snaplen"), std::string::npos) << r.err;
  r = run("--flows-per-class 1");
  EXPECT_EQ(r.exit_code, 2);  // -o is required
  EXPECT_FALSE(fs::exists(corpus()));
}

}  // namespace
}  // namespace flowspike
