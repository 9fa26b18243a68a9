// Video: adaptive streaming (DASH/HLS) over TLS or QUIC (docs/synthetic-traffic.md, "Video").
#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "app_stream.h"

namespace flowspike::synth {

AppSession video_session(Rng& rng, const SessionContext& ctx) {
  AppSession out;
  static constexpr double kSegmentS[] = {2, 4, 5, 6, 10};
  static constexpr double kSegmentWeights[] = {0.15, 0.25, 0.25, 0.2, 0.15};
  // A typical bitrate ladder (kbit/s), 240p .. 720p.
  static constexpr double kLadderKbps[] = {235, 375, 560, 750, 1050, 1750};
  constexpr int kLevels = 6;
  const double seg_s = kSegmentS[rng.weighted(kSegmentWeights)];
  const int max_level = static_cast<int>(rng.between(1, kLevels - 1));  // the player's size caps the resolution
  const bool quic = ctx.udp_allowed && rng.chance(0.4);
  const bool separate_audio = rng.chance(0.6);
  const double target_buffer_s = rng.uniform(15, 90);
  const double mean_bw = ctx.down_bps * rng.uniform(0.25, 0.9);
  out.param("transport", quic ? "quic" : "tls");
  out.param("segment_s", fmt::format("{}", seg_s));
  out.param("max_kbps", fmt::format("{}", kLadderKbps[max_level]));
  out.param("buffer_target_s", fmt::format("{:.0f}", target_buffer_s));

  int next_server = 1;
  // The watch page first: HTML, scripts, thumbnails on a few connections.
  int64_t t = ctx.start_ns + seconds(rng.uniform(0.1, 1.0));
  const int page_conns = static_cast<int>(rng.between(1, 3));
  const int64_t page_done = load_web_page(out, rng, ctx, t, page_conns, next_server);

  AppStream video = tcp_stream(rng, ctx, FlowRole::main, quic ? "quic-video" : "tls-video", next_server++,
                               page_done + millis(rng.uniform(50, 600)));
  if (quic) video.kind = StreamKind::quic;
  t = quic ? video.open_ns + 2 * video.rtt_ns : add_tls_handshake(video, rng);

  AppStream audio = tcp_stream(rng, ctx, FlowRole::side, "tls-audio", next_server++, t);
  int64_t audio_ready = separate_audio && !quic ? add_tls_handshake(audio, rng) : t;
  AppStream& audio_target = separate_audio && !quic ? audio : video;

  int level = std::min(rng.chance(0.5) ? 1 : 2, max_level);
  double est_bw = mean_bw * 0.5;
  double bw = mean_bw;
  double buffer_s = 0;
  bool playing = false;
  int switches = 0;
  int segments = 0;
  const bool will_pause = rng.chance(0.15);
  const int64_t pause_at = ctx.start_ns + static_cast<int64_t>(rng.uniform(0.3, 0.8) * static_cast<double>(ctx.end_ns - ctx.start_ns));
  const int64_t pause_len = seconds(rng.uniform(10, 80));
  bool paused_done = false;
  while (t < ctx.end_ns) {
    // Throughput varies from segment to segment, with occasional congestion.
    bw = std::clamp(bw * rng.lognormal(1.0, 0.15), 0.3 * mean_bw, 1.5 * mean_bw);
    const double now_bw = rng.chance(0.04) ? bw * 0.3 : bw;
    // Throughput-based ABR: highest level below 75 % of the estimate, up one step at a time.
    int want = 0;
    while (want + 1 <= max_level && kLadderKbps[want + 1] * 1000 <= 0.75 * est_bw) ++want;
    if (want > level) want = level + 1;
    if (want != level) ++switches;
    level = want;
    const auto size = static_cast<uint32_t>(kLadderKbps[level] * 125 * seg_s * rng.lognormal(1.0, 0.22));
    const int64_t req_at = t;
    const double bytes = size;
    const int64_t done = request_response(video, rng, req_at, {250, 900}, {bytes, bytes}, {5, 80}, now_bw);
    int64_t finished = done;
    if (separate_audio) {
      AppStream& a = audio_target;
      const int64_t at = std::max(req_at + millis(rng.uniform(1, 30)), audio_ready);
      const double audio_bytes = std::round(128 * 125 * seg_s * rng.lognormal(1.0, 0.05));
      finished = std::max(finished, request_response(a, rng, at, {250, 700}, {audio_bytes, audio_bytes}, {5, 60}, now_bw));
    }
    ++segments;
    const double took_s = static_cast<double>(finished - req_at) / 1e9;
    est_bw = 0.7 * est_bw + 0.3 * (static_cast<double>(size) * 8 / std::max(took_s, 1e-3));
    if (playing) buffer_s = std::max(0.0, buffer_s - took_s);
    buffer_s += seg_s;
    if (!playing && buffer_s >= 2 * seg_s) playing = true;
    // Steady state: the next request when the buffer has room for a segment.
    t = finished + millis(rng.uniform(5, 120));
    if (buffer_s > target_buffer_s) {
      const double wait_s = buffer_s - target_buffer_s;
      t += seconds(wait_s);
      buffer_s -= wait_s;
    }
    if (will_pause && !paused_done && t >= pause_at) {  // the buffer stops draining
      t += pause_len;
      paused_done = true;
    }
    // A seek empties the buffer: startup again.
    if (rng.chance(0.004)) buffer_s = 0;
  }
  out.param("segments", std::to_string(segments));
  out.param("bitrate_switches", std::to_string(switches));
  out.add(std::move(video));
  if (separate_audio && !quic) out.add(std::move(audio));

  // Playback telemetry (QoE beacons) to an analytics server.
  if (rng.chance(0.7)) {
    AppStream stats = tcp_stream(rng, ctx, FlowRole::side, "tls-stats", next_server++,
                                 page_done + seconds(rng.uniform(1, 5)));
    int64_t u = add_tls_handshake(stats, rng);
    const double every_s = rng.uniform(10, 40);
    for (u += seconds(every_s); u < ctx.end_ns; u += seconds(every_s * rng.uniform(0.8, 1.2)))
      request_response(stats, rng, u, {500, 1500}, {60, 400}, {10, 50}, ctx.down_bps);
    out.add(std::move(stats));
  }
  return out;
}

}  // namespace flowspike::synth
