// Chat: instant messaging over a persistent TLS connection (docs/synthetic-traffic.md, "Chat").
#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "app_stream.h"

namespace flowspike::synth {
namespace {

// An image sent or received: a short TLS connection to a media server, or
// the chat connection itself.
void image_transfer(AppSession& out, AppStream& chat, Rng& rng, const SessionContext& ctx, int64_t t, bool upload,
                    int server) {
  const auto bytes = static_cast<uint32_t>(std::clamp(rng.lognormal(180000, 0.8), 30000.0, 2'500'000.0));
  const double rate = (upload ? ctx.up_bps : ctx.down_bps) * rng.uniform(0.3, 0.9);
  if (rng.chance(0.35)) {  // MQTT/XMPP carry it inline
    if (upload) {
      chat.write(t, 0, bytes, rate);
      chat.write(t + chat.rtt_ns + static_cast<int64_t>(bytes * 8e9 / rate), 1, static_cast<uint32_t>(rng.between(60, 200)));
    } else {
      chat.write(t, 1, bytes, rate);
    }
    return;
  }
  AppStream media = tcp_stream(rng, ctx, FlowRole::side, "tls-media", server, t);
  int64_t u = add_tls_handshake(media, rng);
  if (upload) {
    media.write(u, 0, static_cast<uint32_t>(rng.between(500, 1200)));  // request headers
    media.write(u + millis(1), 0, bytes, rate);
    u += static_cast<int64_t>(bytes * 8e9 / rate) + media.rtt_ns;
    media.write(u, 1, static_cast<uint32_t>(rng.between(300, 900)));
  } else {
    const double size = bytes;
    u = request_response(media, rng, u, {400, 1000}, {size, size}, {5, 60}, rate);
  }
  media.close_ns = u + seconds(rng.uniform(2, 60));
  media.server_closes = rng.chance(0.5);
  out.add(std::move(media));
}

}  // namespace

AppSession chat_session(Rng& rng, const SessionContext& ctx) {
  AppSession out;
  struct Service {
    const char* name;
    uint16_t port;
    double overhead_lo, overhead_hi;  // protocol bytes around a message (JSON/XML, ids, TLS record)
  };
  static constexpr Service kServices[] = {
      {"mqtt", 443, 60, 160}, {"xmpp", 5222, 180, 420}, {"https-longpoll", 443, 350, 800}, {"oscar", 5190, 40, 120}};
  static constexpr double kServiceWeights[] = {0.35, 0.25, 0.2, 0.2};
  const Service& service = kServices[rng.weighted(kServiceWeights)];
  const bool longpoll = std::string(service.name) == "https-longpoll";
  const double keepalive_s = rng.uniform(30, 60);
  const double gap_median_s = rng.uniform(3, 14);    // between messages in a conversation
  const double active_median_s = rng.uniform(60, 200);
  const double idle_median_s = rng.uniform(10, 70);
  const double chars_per_s = rng.uniform(2.5, 6);
  const double text_median = rng.uniform(20, 70);
  const double images_per_hour = rng.chance(0.5) ? rng.uniform(3, 25) : 0;
  // Facebook and Hangouts chat usually ran in a browser tab: the web app
  // around the conversation loads pages, avatars, link previews, feed updates.
  const bool web_client = rng.chance(0.4);
  out.param("web_client", web_client ? "yes" : "no");
  out.param("service", service.name);
  out.param("keepalive_s", fmt::format("{:.0f}", keepalive_s));
  out.param("message_gap_median_s", fmt::format("{:.1f}", gap_median_s));
  out.param("images_per_hour", fmt::format("{:.0f}", images_per_hour));

  int next_server = 2;
  int64_t start = ctx.start_ns + seconds(rng.uniform(0.1, 2.0));
  if (web_client) {
    start = load_web_page(out, rng, ctx, start, static_cast<int>(rng.between(2, 4)), next_server);
    AppStream web = tcp_stream(rng, ctx, FlowRole::side, "tls-web", next_server++, start);
    const double every_s = rng.uniform(10, 60);
    for (int64_t u = add_tls_handshake(web, rng); u < ctx.end_ns; u += seconds(rng.exponential(every_s))) {
      const int objects = static_cast<int>(rng.between(1, 8));
      for (int k = 0; k < objects; ++k) {
        const double object = std::round(std::clamp(rng.lognormal(5000, 1.2), 200.0, 300000.0));
        request_response(web, rng, u + millis(10.0 * k), {60, 450}, {object, object}, {5, 80}, ctx.down_bps);
      }
    }
    out.add(std::move(web));
  }
  AppStream chat = tcp_stream(rng, ctx, FlowRole::main, fmt::format("tls-{}", service.name), 1, start, service.port);
  int64_t t = add_tls_handshake(chat, rng);
  // Log in, roster, presence of the contacts, pending messages.
  const int sync = static_cast<int>(rng.between(2, 6));
  for (int i = 0; i < sync; ++i) {
    t += millis(rng.uniform(1, 50));
    const double answer = std::round(std::clamp(rng.lognormal(1500, 1.0), 100.0, 30000.0));
    t = request_response(chat, rng, t, {100, 900}, {answer, answer}, {10, 150}, ctx.down_bps);
  }
  const int64_t ready = t;  // nothing is typed before the client is logged in
  auto overhead = [&] { return rng.uniform(service.overhead_lo, service.overhead_hi); };
  auto message_bytes = [&] {
    const double text = rng.lognormal(text_median, 0.9);
    return static_cast<uint32_t>(std::clamp(text + overhead(), 50.0, 1000.0));
  };
  auto small = [&](double lo, double hi) {
    const double body = rng.uniform(lo, hi);
    return static_cast<uint32_t>(std::clamp(body + overhead() * 0.3, 50.0, 1000.0));
  };
  // A write of a small notice at t + a delay drawn from [lo_s, hi_s].
  auto notice = [&](int64_t t0, double lo_s, double hi_s, uint8_t dir, double lo, double hi) {
    const int64_t at = t0 + seconds(rng.uniform(lo_s, hi_s));
    chat.write(at, dir, small(lo, hi));
  };

  // Conversation: active periods of message exchanges separated by idle ones.
  int sent = 0;
  int received = 0;
  int images = 0;
  int next_media_server = next_server;
  bool active = rng.chance(0.8);
  int64_t phase_end = t + seconds(rng.lognormal(active ? active_median_s : idle_median_s, 0.7));
  while (t < ctx.end_ns) {
    if (t >= phase_end) {
      active = !active;
      phase_end = t + seconds(rng.lognormal(active ? active_median_s : idle_median_s, 0.7));
    }
    if (!active) {
      t = phase_end;
      continue;
    }
    t += seconds(std::clamp(rng.lognormal(gap_median_s, 0.8), 0.5, 120.0));
    if (t >= ctx.end_ns) break;
    const bool mine = rng.chance(0.5);
    const uint32_t bytes = message_bytes();
    const int64_t typing = seconds(std::clamp(static_cast<double>(bytes) * 0.4 / chars_per_s, 0.5, 30.0));
    if (mine) {
      // Typing notification, the message, the server's acknowledgement, and
      // later the peer's delivered/read receipts.
      chat.write(std::max(ready, t - typing), 0, small(30, 90));
      if (rng.chance(0.3)) chat.write(std::max(ready, t - typing / 2), 0, small(30, 90));  // paused / composing again
      chat.write(t, 0, bytes);
      notice(t + chat.rtt_ns, 0.002, 0.04, 1, 20, 120);
      notice(t, 0.5, 8, 1, 30, 150);
      ++sent;
    } else {
      chat.write(std::max(ready, t - typing), 1, small(30, 90));
      chat.write(t, 1, bytes);
      notice(t, 0.001, 0.02, 0, 20, 80);  // delivery receipt
      notice(t, 0.5, 6, 0, 30, 120);      // read receipt
      ++received;
    }
    if (images_per_hour > 0 && rng.chance(images_per_hour / 3600.0 * gap_median_s)) {
      const int64_t at = t + seconds(rng.uniform(1, 5));
      const bool upload = rng.chance(0.5);
      image_transfer(out, chat, rng, ctx, at, upload, next_media_server++);
      ++images;
    }
  }
  // Keepalives (MQTT PINGREQ/PINGRESP, XMPP whitespace pings) or long-poll
  // cycles that the server answers when it has nothing to say.
  for (int64_t k = chat.open_ns + seconds(keepalive_s); k < ctx.end_ns; k += seconds(keepalive_s * rng.uniform(0.95, 1.05))) {
    if (longpoll)
      request_response(chat, rng, k, {450, 900}, {200, 600}, {5, 40}, ctx.down_bps);
    else  // a ping in one TLS record each way
      request_response(chat, rng, k, {24, 82}, {24, 82}, {1, 20}, ctx.down_bps);
  }
  // Presence changes of contacts now and then.
  for (int64_t p = ready; p < ctx.end_ns;) {
    p += seconds(rng.exponential(90));
    if (p < ctx.end_ns) chat.write(p, 1, small(80, 400));
  }
  std::stable_sort(chat.writes.begin(), chat.writes.end(), [](const AppWrite& a, const AppWrite& b) { return a.ts_ns < b.ts_ns; });
  out.param("messages_sent", std::to_string(sent));
  out.param("messages_received", std::to_string(received));
  out.param("images", std::to_string(images));
  out.add(std::move(chat));
  return out;
}

}  // namespace flowspike::synth
