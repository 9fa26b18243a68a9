// `flowspike train` end to end: the built binary on a small synthetic dataset
// file writes the model, the log and the checkpoint; --resume continues the
// run exactly; Ctrl-C keeps the best model (or writes nothing before the first
// epoch ends); bad command lines are clear errors.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "cli/run_flowspike.h"
#include "flowspike/dataset/dataset.h"
#include "flowspike/model/model.h"
#include "support/temp_dir.h"
#include "synthetic_dataset.h"

namespace flowspike::train {
namespace {

using flowspike::testing::read_text;
using flowspike::testing::run_flowspike;
using flowspike::testing::TempDir;
using flowspike::testing::text_lines;

constexpr const char* kSmallRun = "--split window --hidden 16 --batch 16 --lr 0.01 --threads 2";

std::string write_dataset(const TempDir& dir) {
  const std::string path = dir.file("data.h5");
  dataset::save_dataset(testing::timing_dataset(40, 11), path);
  return path;
}

bool same_weights(const snn::SnnParams& a, const snn::SnnParams& b) {
  auto eq = [](const auto& x, const auto& y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), sizeof(float) * static_cast<size_t>(x.size())) == 0;
  };
  return eq(a.W1, b.W1) && eq(a.b1, b.b1) && eq(a.beta1, b.beta1) && eq(a.W2, b.W2) && eq(a.b2, b.b2) &&
         eq(a.beta2, b.beta2);
}

// The log without its timing columns (windows_per_second, seconds).
std::string log_without_timings(const std::string& path) {
  std::string out;
  for (const std::string& line : text_lines(read_text(path))) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
      cells.push_back(line.substr(start, comma - start));
    cells.push_back(line.substr(start));
    for (size_t i = 0; i < cells.size(); ++i)
      if (i != 9 && i != 10) out += cells[i] + ",";
    out += "\n";
  }
  return out;
}

TEST(TrainCli, WritesModelLogAndCheckpoint) {
  TempDir dir;
  const std::string data = write_dataset(dir);
  std::filesystem::create_directories(dir.path() / "out");
  const auto r =
      run_flowspike(dir, fmt::format("train {} -o {} --epochs 3 {}", data, dir.file("out/model.h5"), kSmallRun));
  ASSERT_EQ(r.code, 0) << r.err;
  int epoch_lines = 0;
  for (const std::string& line : text_lines(r.out)) epoch_lines += line.rfind("epoch ", 0) == 0 ? 1 : 0;
  EXPECT_EQ(epoch_lines, 3) << r.out;
  EXPECT_NE(r.out.find("best: epoch"), std::string::npos) << r.out;

  const model::Model m = model::load_model(dir.file("out/model.h5"));
  EXPECT_EQ(m.training.epochs_run, 3);
  EXPECT_GE(m.training.best_epoch, 1);
  EXPECT_EQ(m.training.log_csv, "model.log.csv");
  EXPECT_EQ(m.training.split, "window");
  EXPECT_EQ(m.snn.hidden, 16u);
  const auto log = text_lines(read_text(dir.file("out/model.log.csv")));
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].rfind("epoch,loss,train_accuracy,val_loss,val_accuracy,lr", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(dir.file("out/model.ckpt.h5")));
  // Nothing else: no temporary files left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path() / "out"), {}), 3);
}

TEST(TrainCli, ResumeContinuesTheRunExactly) {
  TempDir dir;
  const std::string data = write_dataset(dir);
  ASSERT_EQ(run_flowspike(dir, fmt::format("train {} -o {} --epochs 3 {}", data, dir.file("a.h5"), kSmallRun)).code, 0);
  ASSERT_EQ(run_flowspike(dir, fmt::format("train {} -o {} --epochs 1 {}", data, dir.file("b.h5"), kSmallRun)).code, 0);
  const auto r = run_flowspike(dir, fmt::format("train {} -o {} --resume {} --epochs 3 --threads 1", data,
                                                dir.file("b.h5"), dir.file("b.ckpt.h5")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("resumed from"), std::string::npos) << r.out;
  EXPECT_TRUE(same_weights(model::load_model(dir.file("a.h5")).params, model::load_model(dir.file("b.h5")).params));
  EXPECT_EQ(log_without_timings(dir.file("a.log.csv")), log_without_timings(dir.file("b.log.csv")));
}

TEST(TrainCli, ResumeRefusesChangedOptions) {
  TempDir dir;
  const std::string data = write_dataset(dir);
  ASSERT_EQ(run_flowspike(dir, fmt::format("train {} -o {} --epochs 1 {}", data, dir.file("a.h5"), kSmallRun)).code, 0);
  const auto r = run_flowspike(dir, fmt::format("train {} -o {} --resume {} --lr 0.5", data, dir.file("a.h5"),
                                                dir.file("a.ckpt.h5")));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--lr cannot change when resuming"), std::string::npos) << r.err;
}

TEST(TrainCli, BadInputsAreErrorsThatNameTheProblem) {
  TempDir dir;
  const std::string data = write_dataset(dir);
  auto r = run_flowspike(dir, fmt::format("train {} -o {}", dir.file("missing.h5"), dir.file("m.h5")));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("missing.h5"), std::string::npos) << r.err;
  r = run_flowspike(dir, fmt::format("train {} -o {} --epochs 0", data, dir.file("m.h5")));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("epochs"), std::string::npos) << r.err;
  r = run_flowspike(dir, fmt::format("train {} -o {}", data, dir.file("no/such/dir/m.h5")));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  r = run_flowspike(dir, fmt::format("train {} -o {} --split sideways", data, dir.file("m.h5")));
  EXPECT_EQ(r.code, 2);
  r = run_flowspike(dir, fmt::format("train {} -o {} --seed -1", data, dir.file("m.h5")));  // not wrapped to 2^64-1
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'-1' is not a whole number"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.h5")));
}

// Starts `flowspike train` with stdout and stderr in files; returns its pid.
pid_t spawn_train(const TempDir& dir, const std::string& args) {
  const std::string cmd = fmt::format("exec {} train {} >{} 2>{}", FLOWSPIKE_EXE, args, dir.file("stdout.txt"),
                                      dir.file("stderr.txt"));
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Waits until `path` contains `text` (up to a minute).
bool wait_for_text(const std::string& path, const std::string& text) {
  for (int i = 0; i < 6000; ++i) {
    if (read_text(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(TrainCli, CtrlCKeepsTheBestModelAndCanResume) {
  TempDir dir;
  const std::string data = write_dataset(dir);
  // Long enough epochs that the run is still going when the interrupt comes.
  const pid_t pid = spawn_train(
      dir, fmt::format("{} -o {} --epochs 500 --epoch-windows 20000 {}", data, dir.file("m.h5"), kSmallRun));
  ASSERT_TRUE(wait_for_text(dir.file("stdout.txt"), "*best*"));
  kill(pid, SIGINT);
  EXPECT_EQ(wait_exit_code(pid), 130);
  const std::string err = read_text(dir.file("stderr.txt"));
  EXPECT_NE(err.find("--resume"), std::string::npos) << err;
  const model::Model m = model::load_model(dir.file("m.h5"));
  EXPECT_GE(m.training.best_epoch, 1);
  EXPECT_LT(m.training.epochs_run, 500);
  const auto log = text_lines(read_text(dir.file("m.log.csv")));
  EXPECT_EQ(log.size(), static_cast<size_t>(m.training.epochs_run) + 1);
  const auto r = run_flowspike(dir, fmt::format("train {} -o {} --resume {} --epochs {}", data, dir.file("m.h5"),
                                                dir.file("m.ckpt.h5"), m.training.epochs_run + 1));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(model::load_model(dir.file("m.h5")).training.epochs_run, m.training.epochs_run + 1);
}

TEST(TrainCli, CtrlCBeforeTheFirstEpochEndsWritesNothing) {
  TempDir dir;
  const std::string data = write_dataset(dir);
  // One very long epoch: the interrupt lands inside it.
  const pid_t pid =
      spawn_train(dir, fmt::format("{} -o {} --epoch-windows 2000000 {}", data, dir.file("m.h5"), kSmallRun));
  ASSERT_TRUE(wait_for_text(dir.file("stdout.txt"), "network"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(pid, SIGINT);
  EXPECT_EQ(wait_exit_code(pid), 130);
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.h5")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.log.csv")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.ckpt.h5")));
  // data.h5, stdout.txt, stderr.txt and nothing else.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 3);
}

}  // namespace
}  // namespace flowspike::train
