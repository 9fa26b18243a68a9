// PacketSource throughput against a bare libpcap loop (pcap_next_ex only) on
// the same generated capture of 2.4 million packets, written once with
// libpcap's pcap_dump into /tmp (FLOWSPIKE_BENCH_DIR overrides) and removed
// at exit. Two captures: headers only (snaplen 96, like the Requet captures)
// and full frames. Traffic: 10 000 flows, IPv4 TCP 70 %, IPv4 UDP 15 %,
// IPv6 TCP 10 %, 802.1Q-tagged IPv4 TCP 5 %; sizes a mix of ACKs and
// MTU-sized segments. Also the cost of parse_frame alone per frame.
//   capture_source_bench [--benchmark_repetitions=N]   (default 5; medians reported)
#include <pcap/pcap.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bare_libpcap_read.h"
#include "flowspike/capture/frame_parser.h"
#include "flowspike/capture/packet_source.h"

namespace {

namespace fs = std::filesystem;
using flowspike::capture::DissectedFrame;

constexpr uint64_t kPackets = 2'400'000;
constexpr int kFlows = 10'000;

struct Flow {
  enum Kind { tcp4, udp4, tcp6, vlan_tcp4 } kind;
  uint8_t a[16], b[16];
  uint16_t sport, dport;
};

// A frame under construction (a fixed buffer: GCC 12 warns falsely on vector inserts).
struct Frame {
  uint8_t bytes[1600];
  size_t size = 0;
  void put(std::initializer_list<uint8_t> b) {
    for (uint8_t x : b) bytes[size++] = x;
  }
  void put(const uint8_t* p, size_t n) {
    std::memcpy(bytes + size, p, n);
    size += n;
  }
  void pad_to(size_t n) {
    std::memset(bytes + size, 0x5a, n - size);
    size = n;
  }
};

// An Ethernet frame for `flow` with an IP datagram of `ip_len` bytes.
void build_frame(Frame& f, const Flow& flow, bool reverse, uint32_t ip_len) {
  f.size = 0;
  f.put({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  bool v6 = flow.kind == Flow::tcp6;
  uint8_t proto = flow.kind == Flow::udp4 ? 17 : 6;
  if (flow.kind == Flow::vlan_tcp4) f.put({0x81, 0x00, 0x00, 0x64});
  f.put({static_cast<uint8_t>(v6 ? 0x86 : 0x08), static_cast<uint8_t>(v6 ? 0xdd : 0x00)});
  const uint8_t* src = reverse ? flow.b : flow.a;
  const uint8_t* dst = reverse ? flow.a : flow.b;
  if (v6) {
    uint32_t payload = ip_len - 40;
    f.put({0x60, 0, 0, 0, static_cast<uint8_t>(payload >> 8), static_cast<uint8_t>(payload), proto, 64});
    f.put(src, 16);
    f.put(dst, 16);
  } else {
    f.put({0x45, 0, static_cast<uint8_t>(ip_len >> 8), static_cast<uint8_t>(ip_len), 0, 0, 0x40, 0, 64, proto, 0, 0});
    f.put(src, 4);
    f.put(dst, 4);
  }
  uint16_t sp = reverse ? flow.dport : flow.sport, dp = reverse ? flow.sport : flow.dport;
  f.put({static_cast<uint8_t>(sp >> 8), static_cast<uint8_t>(sp), static_cast<uint8_t>(dp >> 8), static_cast<uint8_t>(dp)});
  if (proto == 6)
    f.put({0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0});
  else
    f.put({static_cast<uint8_t>((ip_len - 20) >> 8), static_cast<uint8_t>(ip_len - 20), 0, 0});
  size_t link = flow.kind == Flow::vlan_tcp4 ? 18 : 14;
  f.pad_to(link + ip_len);
}

struct Capture {
  std::string path;
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

Capture write_capture(const fs::path& path, int snaplen) {
  std::mt19937_64 rng(7);
  std::vector<Flow> flows(kFlows);
  for (int i = 0; i < kFlows; ++i) {
    Flow& fl = flows[static_cast<size_t>(i)];
    int pick = static_cast<int>(rng() % 100);
    fl.kind = pick < 70 ? Flow::tcp4 : pick < 85 ? Flow::udp4 : pick < 95 ? Flow::tcp6 : Flow::vlan_tcp4;
    for (int k = 0; k < 16; ++k) {
      fl.a[k] = static_cast<uint8_t>(rng());
      fl.b[k] = static_cast<uint8_t>(rng());
    }
    fl.sport = static_cast<uint16_t>(1024 + rng() % 60000);
    fl.dport = fl.kind == Flow::udp4 ? 443 : static_cast<uint16_t>(rng() % 2 ? 443 : 80);
  }
  pcap_t* dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, snaplen, PCAP_TSTAMP_PRECISION_MICRO);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  if (dumper == nullptr) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), pcap_geterr(dead));
    std::exit(1);
  }
  Frame frame;
  int64_t ts_us = 1'600'000'000'000'000;
  for (uint64_t i = 0; i < kPackets; ++i) {
    const Flow& fl = flows[rng() % kFlows];
    bool reverse = rng() % 2 != 0;
    uint32_t min_len = fl.kind == Flow::tcp6 ? 60 : fl.kind == Flow::udp4 ? 28 : 40;
    uint32_t r = static_cast<uint32_t>(rng() % 100);
    uint32_t ip_len = r < 40 ? min_len : r < 80 ? 1500 : min_len + static_cast<uint32_t>(rng() % (1500 - min_len));
    build_frame(frame, fl, reverse, ip_len);
    ts_us += static_cast<int64_t>(rng() % 20);
    pcap_pkthdr h{};
    h.ts.tv_sec = ts_us / 1'000'000;
    h.ts.tv_usec = ts_us % 1'000'000;
    h.len = static_cast<uint32_t>(frame.size);
    h.caplen = std::min<uint32_t>(h.len, static_cast<uint32_t>(snaplen));
    pcap_dump(reinterpret_cast<u_char*>(dumper), &h, frame.bytes);
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
  return {path.string(), kPackets, fs::file_size(path)};
}

struct Captures {
  fs::path dir;
  Capture headers, full;
  Captures() {
    const char* base = std::getenv("FLOWSPIKE_BENCH_DIR");
    dir = fs::path(base ? base : "/tmp") / ("flowspike-capture-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    headers = write_capture(dir / "headers.pcap", 96);
    full = write_capture(dir / "full.pcap", 65535);
    std::fprintf(stderr, "captures in %s: %llu packets each; headers-only %.0f MB, full frames %.0f MB\n",
                 dir.c_str(), static_cast<unsigned long long>(kPackets), static_cast<double>(headers.bytes) / 1e6,
                 static_cast<double>(full.bytes) / 1e6);
  }
  ~Captures() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const Capture& capture(int which) {
  static Captures captures;
  return which == 0 ? captures.headers : captures.full;
}

void BM_BareLibpcapLoop(benchmark::State& state) {
  const Capture& c = capture(static_cast<int>(state.range(0)));
  flowspike::bench::bare_libpcap_read(state, c.path, c.packets);
}

void BM_PacketSource(benchmark::State& state) {
  const Capture& c = capture(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    flowspike::capture::SourceOptions options;
    options.paths = {c.path};
    flowspike::capture::PacketSource source(options);
    flowspike::capture::Packet packet;
    uint64_t n = 0, bytes = 0;
    while (source.next(packet)) {
      ++n;
      bytes += packet.ip_len + packet.sport;
    }
    benchmark::DoNotOptimize(bytes);
    if (n != c.packets) state.SkipWithError("packet count differs");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.packets));
}

// parse_frame alone, over frames held in memory (no I/O).
void BM_ParseFrame(benchmark::State& state) {
  std::mt19937_64 rng(3);
  std::vector<std::vector<uint8_t>> frames(1024);
  for (auto& f : frames) {
    Flow fl{};
    fl.kind = static_cast<Flow::Kind>(rng() % 4);
    fl.sport = 40000;
    fl.dport = 443;
    Frame full;
    build_frame(full, fl, false, 1400);
    f.assign(full.bytes, full.bytes + 96);  // headers only
  }
  DissectedFrame out;
  size_t i = 0;
  uint64_t sum = 0;
  for (auto _ : state) {
    const auto& f = frames[i++ & 1023];
    if (!flowspike::capture::parse_frame(1, f, 1418, 0, out)) sum += out.packet.ip_len;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_BareLibpcapLoop)->ArgName("full")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PacketSource)->ArgName("full")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ParseFrame);

int main(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  std::string reps = "--benchmark_repetitions=5";
  std::string aggregates = "--benchmark_report_aggregates_only=true";
  bool has_reps = false;
  for (int i = 1; i < argc; ++i) has_reps |= std::strncmp(argv[i], "--benchmark_repetitions", 23) == 0;
  if (!has_reps) {
    args.push_back(reps.data());
    args.push_back(aggregates.data());
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
