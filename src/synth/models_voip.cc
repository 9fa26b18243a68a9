// VoIP: an RTP audio call (docs/synthetic-traffic.md, "VoIP").
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "app_stream.h"

namespace flowspike::synth {
namespace {

struct Interval {
  int64_t begin, end;
};

// Who talks when: turns alternate between the two speakers; within a turn the
// speaker talks in spurts separated by short pauses, the listener sometimes
// backchannels ("mm-hm"). Returns the talk intervals of each side.
void conversation(Rng& rng, int64_t begin, int64_t end, std::vector<Interval> talk[2]) {
  const double turn_median_s = rng.uniform(2.5, 7.0);
  int speaker = static_cast<int>(rng.below(2));
  int64_t t = begin + seconds(rng.uniform(0.2, 1.5));
  while (t < end) {
    const int64_t turn_end = t + seconds(std::clamp(rng.lognormal(turn_median_s, 0.6), 0.5, 30.0));
    int64_t s = t;
    while (s < turn_end) {
      const int64_t spurt = seconds(std::clamp(rng.exponential(1.4), 0.2, 8.0));
      talk[speaker].push_back({s, std::min(s + spurt, turn_end)});
      s += spurt + seconds(rng.exponential(0.35));
    }
    if (rng.chance(0.3)) {
      const int64_t at = t + static_cast<int64_t>(rng.uniform() * static_cast<double>(turn_end - t));
      talk[1 - speaker].push_back({at, at + seconds(rng.uniform(0.3, 0.9))});
    }
    t = turn_end + seconds(rng.exponential(0.45));
    speaker = 1 - speaker;
  }
  for (int d = 0; d < 2; ++d)
    std::sort(talk[d].begin(), talk[d].end(), [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
}

}  // namespace

AppSession voip_session(Rng& rng, const SessionContext& ctx) {
  AppSession out;
  // Codec: payload bytes per frame while talking, frame time, and what the
  // sender does in silence (keep sending smaller frames, or send a comfort-
  // noise update every few frames).
  struct Codec {
    const char* name;
    int ptime_ms;
    double talk_lo, talk_hi;  // per-call median payload range (VBR codecs)
    double vbr_sigma;         // per-frame spread
    double silence_lo, silence_hi;
    double p_dtx;             // probability that the call uses DTX / VAD
  };
  static constexpr Codec kCodecs[] = {
      {"opus", 20, 55, 120, 0.14, 12, 30, 0.45},  {"silk", 20, 40, 85, 0.16, 12, 28, 0.2},
      {"g711", 20, 160, 160, 0, 160, 160, 0.3},   {"g722", 20, 160, 160, 0, 160, 160, 0.2},
      {"g729", 20, 20, 20, 0, 2, 2, 0.6},         {"ilbc", 30, 50, 50, 0, 50, 50, 0.4},
  };
  static constexpr double kCodecWeights[] = {0.35, 0.2, 0.15, 0.1, 0.12, 0.08};
  const Codec& codec = kCodecs[rng.weighted(kCodecWeights)];
  const bool srtp = rng.chance(0.75);
  const bool header_ext = rng.chance(0.5);
  const uint32_t rtp_overhead = 12 + (header_ext ? 8 : 0) + (srtp ? 10 : 0);
  const double talk_median = rng.uniform(codec.talk_lo, codec.talk_hi);
  const bool dtx = rng.chance(codec.p_dtx);
  const int cn_every = static_cast<int>(rng.between(3, 8));  // frames between comfort-noise updates
  // Fixed-size codecs send comfort noise (RFC 3389) of a few bytes in silence.
  const double silence_median = codec.vbr_sigma == 0 && dtx ? rng.uniform(1, 11) : rng.uniform(codec.silence_lo, codec.silence_hi);
  const double jitter_ms = ctx.encryption == Encryption::tor ? 0 : rng.log_uniform(0.4, 12.0);
  const bool webrtc = rng.chance(0.6);  // ICE consent checks on the media flow
  const bool rtcp = rng.chance(0.7);

  out.param("codec", codec.name);
  out.param("ptime_ms", std::to_string(codec.ptime_ms));
  out.param("talk_payload_median", fmt::format("{:.0f}", talk_median));
  out.param("dtx", dtx ? "yes" : "no");
  out.param("srtp", srtp ? "yes" : "no");
  out.param("jitter_ms", fmt::format("{:.1f}", jitter_ms));

  // Signalling: a TLS connection to the service, set up before the call.
  int64_t call_start = ctx.start_ns + seconds(rng.uniform(0.5, 3.0));
  if (rng.chance(0.85)) {
    AppStream sig = tcp_stream(rng, ctx, FlowRole::side, "signalling", 1, ctx.start_ns + seconds(rng.uniform(0.0, 0.3)));
    int64_t t = add_tls_handshake(sig, rng);
    t = request_response(sig, rng, t + millis(20), {800, 3000}, {900, 4000}, {20, 200}, ctx.down_bps);
    call_start = std::max(call_start, t + millis(rng.uniform(300, 3000)));  // ringing
    const double keepalive_s = rng.uniform(15, 60);
    for (int64_t k = call_start + seconds(keepalive_s); k < ctx.end_ns; k += seconds(keepalive_s * rng.uniform(0.9, 1.1)))
      request_response(sig, rng, k, {50, 200}, {50, 200}, {5, 5}, ctx.down_bps);
    out.add(std::move(sig));
  }

  AppStream media;
  media.kind = ctx.udp_allowed ? StreamKind::udp : StreamKind::tcp;
  media.role = FlowRole::main;
  media.label = ctx.udp_allowed ? "rtp" : "rtp-over-tls";
  media.server = 2;
  const int relay_ports[] = {3478, 3480, 19302, 50000};
  media.server_port = static_cast<uint16_t>(!ctx.udp_allowed ? 443
                                            : rng.chance(0.5) ? rng.between(16384, 32767)
                                                              : relay_ports[rng.below(4)]);
  media.rtt_ns = stream_rtt(rng, ctx);
  media.open_ns = call_start;
  // Media over TCP (Tor): RFC 4571 framing plus a TLS record per frame.
  const uint32_t framing = ctx.udp_allowed ? 0 : 2 + 22;
  int64_t media_start = call_start;
  if (media.kind == StreamKind::tcp) media_start = add_tls_handshake(media, rng);
  // ICE connectivity checks before media.
  if (webrtc || media.kind == StreamKind::udp) {
    const int checks = static_cast<int>(rng.between(2, 8));
    for (int i = 0; i < checks; ++i) {
      const int64_t t = media_start + millis(50.0 * i);
      media.write(t, 0, static_cast<uint32_t>(rng.between(80, 108)) + framing);
      media.write(t + media.rtt_ns, 1, static_cast<uint32_t>(rng.between(60, 96)) + framing);
    }
    media_start += millis(50.0 * checks + 30);
  }
  const int64_t hangup = rng.chance(0.25) ? ctx.end_ns - seconds(rng.uniform(0, 10)) : ctx.end_ns;

  std::vector<Interval> talk[2];
  conversation(rng, media_start, hangup, talk);
  const int64_t ptime = millis(codec.ptime_ms);
  const double skew = 1.0 + rng.normal(0, 30e-6);  // the far end's sound-card clock
  for (int dir = 0; dir < 2; ++dir) {
    size_t spurt = 0;
    int since_cn = 0;
    const int64_t phase = dir == 0 ? 0 : static_cast<int64_t>(rng.uniform() * static_cast<double>(ptime));
    int64_t last_out = 0;
    double spike_ns = 0;
    for (int64_t k = 0;; ++k) {
      const int64_t nominal = media_start + phase + static_cast<int64_t>(static_cast<double>(k * ptime) * (dir ? skew : 1.0));
      if (nominal >= hangup) break;
      while (spurt < talk[dir].size() && talk[dir][spurt].end + millis(120) < nominal) ++spurt;  // VAD hangover
      const bool talking = spurt < talk[dir].size() && talk[dir][spurt].begin <= nominal;
      double payload;
      if (talking) {
        payload = codec.vbr_sigma > 0 ? rng.lognormal(talk_median, codec.vbr_sigma) : talk_median;
        since_cn = 0;
      } else if (!dtx) {
        payload = codec.vbr_sigma > 0 ? rng.lognormal(silence_median, 0.2) : silence_median;
      } else {
        if (++since_cn % cn_every != 1) continue;
        payload = silence_median;
      }
      const auto bytes = static_cast<uint32_t>(std::clamp(payload, 1.0, 200.0)) + rtp_overhead + framing;
      int64_t ts;
      if (dir == 0) {
        ts = std::max(last_out + 1000, nominal + static_cast<int64_t>(rng.normal(0, 150'000)));
        last_out = ts;
      } else {
        // Network jitter; now and then a delay spike (a queue filling up)
        // that drains over the next packets, which then arrive bunched.
        if (jitter_ms > 0 && rng.chance(0.002)) spike_ns = rng.uniform(30e6, 150e6);
        spike_ns = std::max(0.0, spike_ns - 0.5 * static_cast<double>(ptime));
        ts = nominal + static_cast<int64_t>(std::abs(rng.normal()) * jitter_ms * 1e6 + spike_ns);
        if (media.kind == StreamKind::tcp) {  // a byte stream delivers in order
          ts = std::max(ts, last_out + 1000);
          last_out = ts;
        }
      }
      media.write(ts, static_cast<uint8_t>(dir), bytes);
    }
  }
  // RTCP sender reports (multiplexed on the RTP port) and ICE consent checks.
  for (int dir = 0; dir < 2 && rtcp; ++dir)
    for (int64_t t = media_start + seconds(rng.uniform(1, 5)); t < hangup; t += seconds(rng.uniform(2.5, 7.5)))
      media.write(t, static_cast<uint8_t>(dir), static_cast<uint32_t>(rng.between(68, 120)) + framing);
  if (webrtc)
    for (int64_t t = media_start + seconds(rng.uniform(2, 5)); t < hangup; t += seconds(rng.uniform(4, 6))) {
      media.write(t, 0, static_cast<uint32_t>(rng.between(80, 108)) + framing);
      media.write(t + media.rtt_ns, 1, static_cast<uint32_t>(rng.between(60, 96)) + framing);
    }
  if (hangup < ctx.end_ns) media.close_ns = hangup;
  std::stable_sort(media.writes.begin(), media.writes.end(),
                   [](const AppWrite& a, const AppWrite& b) { return a.ts_ns < b.ts_ns; });
  out.add(std::move(media));
  return out;
}

}  // namespace flowspike::synth
