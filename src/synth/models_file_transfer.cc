// File transfer: SFTP, HTTPS or FTPS bulk transfers (docs/synthetic-traffic.md, "File transfer").
#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "app_stream.h"

namespace flowspike::synth {
namespace {

enum class Protocol { sftp, https, ftps };

// Sends `bytes` from `dir` starting at t: a rate that wanders every few
// seconds around `rate_bps`, stalls at random (a busy disk or server, a lost
// burst). Writes 64 kB chunks, each capped at the current rate so that the
// renderer paces them. `request_every` > 0 adds the reverse direction's
// pipelined requests/acknowledgements of SFTP, one per that many bytes.
int64_t bulk(AppStream& s, Rng& rng, int64_t t, int64_t end_ns, uint64_t bytes, uint8_t dir, double rate_bps,
             double stall_every_s, uint32_t request_every, int* stalls) {
  constexpr uint32_t kChunk = 65536;
  double rate = rate_bps;
  int64_t next_change = t;
  int64_t next_stall = t + seconds(rng.exponential(stall_every_s));
  uint64_t since_request = 0;
  while (bytes > 0 && t < end_ns) {
    if (t >= next_change) {
      rate = rate_bps * std::clamp(rng.lognormal(1.0, 0.18), 0.5, 1.6);
      next_change = t + seconds(rng.uniform(1, 5));
    }
    if (t >= next_stall) {
      t += seconds(std::clamp(rng.lognormal(1.5, 0.8), 0.3, 10.0));
      next_stall = t + seconds(rng.exponential(stall_every_s));
      ++*stalls;
    }
    const auto chunk = static_cast<uint32_t>(std::min<uint64_t>(kChunk, bytes));
    s.write(t, dir, chunk, rate);
    since_request += chunk;
    if (request_every > 0 && since_request >= request_every) {
      since_request = 0;
      // SSH_FXP_READ from the client (download) or SSH_FXP_STATUS from the server (upload).
      if (dir == 1)
        s.write(t, 0, static_cast<uint32_t>(rng.between(84, 116)));
      else
        s.write(t + s.rtt_ns, 1, static_cast<uint32_t>(rng.between(52, 68)));
    }
    t += static_cast<int64_t>(static_cast<double>(chunk) * 8e9 / rate);
    bytes -= chunk;
  }
  return t;
}

}  // namespace

AppSession file_transfer_session(Rng& rng, const SessionContext& ctx) {
  AppSession out;
  static constexpr double kProtocolWeights[] = {0.35, 0.4, 0.25};
  const auto protocol = static_cast<Protocol>(rng.weighted(kProtocolWeights));
  const bool upload = rng.chance(0.4);
  const double link = upload ? ctx.up_bps : ctx.down_bps;
  const double rate = std::min(rng.log_uniform(0.2e6, 3e6), 0.9 * link);
  const double stall_every_s = rng.uniform(20, 90);
  const char* names[] = {"sftp", "https", "ftps"};
  out.param("protocol", names[static_cast<int>(protocol)]);
  out.param("direction", upload ? "upload" : "download");
  out.param("rate_mbps", fmt::format("{:.2f}", rate / 1e6));
  out.param("stall_every_s", fmt::format("{:.0f}", stall_every_s));
  const uint8_t dir = upload ? 0 : 1;

  AppStream control = tcp_stream(
      rng, ctx, protocol == Protocol::ftps ? FlowRole::side : FlowRole::main,
      protocol == Protocol::sftp ? "ssh" : (protocol == Protocol::ftps ? "ftps-control" : "tls-transfer"), 1,
      ctx.start_ns + seconds(rng.uniform(0.1, 2.0)),
      protocol == Protocol::sftp ? 22 : (protocol == Protocol::ftps ? 21 : 443));
  int64_t t;
  if (protocol == Protocol::sftp) {
    // Version banners, key exchange, authentication, the SFTP subsystem: a
    // dozen small round trips.
    t = control.open_ns + control.rtt_ns + millis(1);
    control.write(t, 0, static_cast<uint32_t>(rng.between(21, 44)));
    control.write(t + control.rtt_ns, 1, static_cast<uint32_t>(rng.between(21, 44)));
    t += control.rtt_ns + millis(2);
    const int round_trips = static_cast<int>(rng.between(8, 14));
    for (int i = 0; i < round_trips; ++i) {
      const bool kex = i < 2;
      t = request_response(control, rng, t, kex ? Draw{1000, 1600} : Draw{44, 700}, kex ? Draw{400, 1200} : Draw{28, 500},
                           {1, i == 3 ? 200.0 : 20.0}, ctx.down_bps);
      t += millis(rng.uniform(1, 10));
    }
  } else {
    t = add_tls_handshake(control, rng);
    if (protocol == Protocol::ftps) {  // USER, PASS, PBSZ, PROT, CWD, TYPE
      const int commands = static_cast<int>(rng.between(5, 9));
      for (int i = 0; i < commands; ++i) {
        t = request_response(control, rng, t, {40, 90}, {40, 120}, {1, 30}, ctx.down_bps);
        t += millis(rng.uniform(1, 20));
      }
    }
  }

  int files = 0;
  int stalls = 0;
  int next_server_port = static_cast<int>(rng.between(50000, 60000));
  while (t < ctx.end_ns) {
    // Each file takes about a minute or two at this rate.
    const double file_s = std::clamp(rng.lognormal(90, 0.8), 8.0, 900.0);
    const auto size = static_cast<uint64_t>(rate / 8 * file_s);
    ++files;
    if (protocol == Protocol::ftps) {
      // PASV + RETR/STOR on the control connection, data on a new connection.
      t = request_response(control, rng, t, {40, 70}, {48, 80}, {2, 2}, ctx.down_bps);
      AppStream data = tcp_stream(rng, ctx, FlowRole::main, "ftps-data", 1, t + millis(rng.uniform(1, 20)),
                                  static_cast<uint16_t>(next_server_port++));
      data.rtt_ns = control.rtt_ns;  // the same server
      control.write(data.open_ns, 0, static_cast<uint32_t>(rng.between(40, 70)));
      control.write(data.open_ns + control.rtt_ns, 1, static_cast<uint32_t>(rng.between(60, 110)));
      int64_t u = add_tls_handshake(data, rng);
      u = bulk(data, rng, u, ctx.end_ns, size, dir, rate, stall_every_s, 0, &stalls);
      data.close_ns = u + control.rtt_ns;
      data.server_closes = !upload;
      control.write(u + 2 * control.rtt_ns, 1, static_cast<uint32_t>(rng.between(50, 90)));  // 226 Transfer complete
      out.add(std::move(data));
      t = u + 2 * control.rtt_ns + millis(rng.uniform(200, 3000));
    } else {
      // Open the file / send the request headers, then the body.
      t = request_response(control, rng, t, {90, 900}, {40, 600}, {2, 60}, ctx.down_bps);
      t = bulk(control, rng, t, ctx.end_ns, size, dir, rate, stall_every_s,
               protocol == Protocol::sftp ? 32768 : 0, &stalls);
      t = request_response(control, rng, t + control.rtt_ns, {40, 300}, {40, 300}, {1, 30}, ctx.down_bps);
      t += millis(rng.uniform(200, 3000));
    }
  }
  out.param("files", std::to_string(files));
  out.param("stalls", std::to_string(stalls));
  out.add(std::move(control));
  return out;
}

}  // namespace flowspike::synth
