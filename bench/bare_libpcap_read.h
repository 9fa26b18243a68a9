// The baseline of the capture benchmarks: a bare libpcap loop that only reads
// the packets of a capture (pcap_next_ex, summing their lengths), the rate
// flowspike's reading and extraction are measured against.
#pragma once

#include <benchmark/benchmark.h>
#include <pcap/pcap.h>

#include <cstdint>
#include <string>

namespace flowspike::bench {

// The benchmark loop over `path`; skips with an error if libpcap cannot open
// it or reads other than `packets` packets.
inline void bare_libpcap_read(benchmark::State& state, const std::string& path, uint64_t packets) {
  for (auto _ : state) {
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == nullptr) {
      state.SkipWithError(errbuf);
      return;
    }
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    uint64_t n = 0, bytes = 0;
    while (pcap_next_ex(p, &header, &data) == 1) {
      ++n;
      bytes += header->len;
    }
    pcap_close(p);
    benchmark::DoNotOptimize(bytes);
    if (n != packets) state.SkipWithError("packet count differs");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * packets));
}

}  // namespace flowspike::bench
