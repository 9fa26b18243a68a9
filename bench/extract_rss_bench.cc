// Peak memory of `extract` must not grow with the capture's length: runs
// extract in a child process on the same traffic at 1x and 4x length
// (bench/extract_traffic.h: 20 and 80 minutes, ~2.3 and ~9.5 million
// packets) and reports each child's peak RSS (ru_maxrss from wait4), the
// median of several runs.
//   extract_rss_bench [runs]          (default 3)
//   extract_rss_bench --generate FILE [factor]   only write the 1x (or factor x) capture
// FLOWSPIKE_BENCH_DIR chooses where the captures are written (default /tmp).
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "extract_traffic.h"
#include "flowspike/dataset/extractor.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

int run_child(const std::string& pcap, const std::string& out) {
  flowspike::dataset::ExtractOptions o;
  o.inputs = {pcap};
  o.labels = "dirs";
  flowspike::dataset::ExtractResult r = flowspike::dataset::extract(o, out);
  std::printf("    %llu packets, %llu windows, %llu flows\n", static_cast<unsigned long long>(r.packets),
              static_cast<unsigned long long>(r.windows_written), static_cast<unsigned long long>(r.flows));
  return 0;
}

// Peak RSS of one child extracting `pcap`, in MiB.
double child_peak_rss_mib(const std::string& pcap, const std::string& out) {
  std::string self = fs::read_symlink("/proc/self/exe").string();
  std::string flag = "--child";
  std::vector<char*> argv = {self.data(), flag.data(), const_cast<char*>(pcap.c_str()), const_cast<char*>(out.c_str()),
                             nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "child failed\n");
    std::exit(1);
  }
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--child") return run_child(argv[2], argv[3]);
  if (argc >= 3 && std::string(argv[1]) == "--generate") {
    flowspike::bench::TrafficOptions t;
    t.duration_s *= argc > 3 ? std::atof(argv[3]) : 1.0;
    uint64_t packets = flowspike::bench::write_traffic(argv[2], t);
    std::printf("%s: %.0f s of traffic, %llu packets\n", argv[2], t.duration_s, static_cast<unsigned long long>(packets));
    return 0;
  }
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const char* base = std::getenv("FLOWSPIKE_BENCH_DIR");
  fs::path dir = fs::path(base ? base : "/tmp") / ("flowspike-rss-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::vector<double> medians;
  for (int factor : {1, 4}) {
    flowspike::bench::TrafficOptions t;
    t.duration_s *= factor;
    std::string pcap = (dir / ("traffic-" + std::to_string(factor) + "x.pcap")).string();
    uint64_t packets = flowspike::bench::write_traffic(pcap, t);
    std::printf("%dx: %.0f s of traffic, %llu packets, %.0f MB capture\n", factor, t.duration_s,
                static_cast<unsigned long long>(packets), static_cast<double>(fs::file_size(pcap)) / 1e6);
    std::vector<double> rss;
    for (int i = 0; i < runs; ++i) {
      std::fflush(stdout);
      rss.push_back(child_peak_rss_mib(pcap, (dir / "out.h5").string()));
      std::printf("    run %d: peak RSS %.1f MiB\n", i + 1, rss.back());
    }
    medians.push_back(median(rss));
    fs::remove(pcap);
  }
  std::printf("\nmedian peak RSS: 1x %.1f MiB, 4x %.1f MiB (4x / 1x = %.2f)\n", medians[0], medians[1],
              medians[1] / medians[0]);
  fs::remove_all(dir);
  return 0;
}
