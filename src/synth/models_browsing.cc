// Browsing: page loads over HTTP/2 or HTTP/1.1 with TLS (docs/synthetic-traffic.md, "Browsing").
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "app_stream.h"

namespace flowspike::synth {
namespace {

// A connection the browser keeps open between requests.
struct Connection {
  AppStream stream;
  int64_t ready_ns = 0;      // TLS done
  int64_t busy_until = 0;    // when its last response should have arrived
  int64_t timeout_ns = 0;    // idle time after which the server closes it
  bool done = false;         // handed to the session
};

class Browser {
 public:
  Browser(Rng& rng, const SessionContext& ctx, AppSession& out) : rng_(rng), ctx_(ctx), out_(out) {
    h2_ = rng.chance(0.75);
  }
  bool h2() const { return h2_; }

  // Fetches an object of `bytes` from `origin` at t; returns when it should have arrived.
  int64_t fetch(int origin, bool main, int64_t t, uint32_t bytes, int64_t timeout_ns) {
    Connection& c = connection(origin, main, t, timeout_ns);
    const int64_t at = std::max(t, c.ready_ns);
    const auto request = static_cast<uint32_t>(h2_ ? rng_.between(60, 450) : rng_.between(350, 1300));
    const double rate = ctx_.down_bps * rng_.uniform(0.3, 1.0);
    const int64_t start = std::max(at + c.stream.rtt_ns + millis(rng_.uniform(2, 120)), c.busy_until);
    c.stream.write(at, 0, request);
    c.stream.write(start, 1, bytes + static_cast<uint32_t>(rng_.between(90, 450)), rate);  // headers + body
    c.busy_until = start + static_cast<int64_t>(static_cast<double>(bytes) * 8e9 / rate);
    return c.busy_until;
  }

  // Closes every connection whose server timeout expires before the capture ends.
  void finish() {
    for (Connection& c : pool_) close(c);
    pool_.clear();
  }

 private:
  Connection& connection(int origin, bool main, int64_t t, int64_t timeout_ns) {
    // HTTP/1.1 browsers open up to six connections per origin; HTTP/2 one.
    const size_t per_origin = h2_ ? 1 : 6;
    size_t open = 0;
    Connection* idle = nullptr;
    for (Connection& c : pool_) {
      if (c.done || c.stream.server != origin) continue;
      if (std::max(c.busy_until, c.ready_ns) + c.timeout_ns < t) {  // the server has closed it meanwhile
        close(c);
        continue;
      }
      ++open;
      if (!idle || c.busy_until < idle->busy_until) idle = &c;
    }
    if (idle && (open >= per_origin || idle->busy_until <= t)) return *idle;
    Connection c;
    c.stream = tcp_stream(rng_, ctx_, main ? FlowRole::main : FlowRole::side, h2_ ? "tls-h2" : "tls-http1", origin, t);
    c.ready_ns = add_tls_handshake(c.stream, rng_);
    c.busy_until = c.ready_ns;
    c.timeout_ns = timeout_ns;
    pool_.push_back(std::move(c));
    return pool_.back();
  }

  void close(Connection& c) {
    if (c.done) return;
    const int64_t at = std::max(c.busy_until, c.ready_ns) + c.timeout_ns;
    if (at < ctx_.end_ns) {
      c.stream.close_ns = at;
      c.stream.server_closes = true;
    }
    out_.add(std::move(c.stream));
    c.done = true;
  }

  Rng& rng_;
  const SessionContext& ctx_;
  AppSession& out_;
  bool h2_;
  std::vector<Connection> pool_;
};

uint32_t object_size(Rng& rng) { return static_cast<uint32_t>(std::clamp(rng.lognormal(7000, 1.4), 150.0, 2'000'000.0)); }

}  // namespace

AppSession browsing_session(Rng& rng, const SessionContext& ctx) {
  AppSession out;
  Browser browser(rng, ctx, out);
  const double think_median_s = rng.uniform(6, 25);
  const double loads_per_site = rng.uniform(3, 10);
  const double objects_median = rng.uniform(12, 45);
  out.param("http", browser.h2() ? "h2" : "http/1.1");
  out.param("think_median_s", fmt::format("{:.1f}", think_median_s));
  out.param("loads_per_site", fmt::format("{:.1f}", loads_per_site));

  int next_origin = 1;
  int sites = 0;
  int loads = 0;
  int64_t t = ctx.start_ns + seconds(rng.uniform(0.1, 2.0));
  while (t < ctx.end_ns) {
    // A new site: its own origin and a handful of third parties (CDN, fonts, analytics, ads).
    ++sites;
    const int site = next_origin++;
    const int64_t site_timeout = seconds(rng.uniform(60, 300));
    std::vector<int> third_parties(static_cast<size_t>(rng.between(2, 8)));
    for (int& o : third_parties) o = next_origin++;
    const int site_loads = 1 + static_cast<int>(rng.exponential(loads_per_site - 1));
    const bool live_updates = rng.chance(0.6);  // feeds, comments, ad refreshes, analytics
    int64_t live_next = t + seconds(rng.uniform(2, 10));
    for (int l = 0; l < site_loads && t < ctx.end_ns; ++l) {
      ++loads;
      const auto doc = static_cast<uint32_t>(std::clamp(rng.lognormal(30000, 0.8), 2000.0, 500000.0));
      int64_t done = browser.fetch(site, true, t, doc, site_timeout);
      // Scripts and style sheets first, then images and the rest.
      const int objects = static_cast<int>(std::clamp(rng.lognormal(objects_median, 0.6), 3.0, 150.0));
      int64_t wave = done + millis(rng.uniform(30, 300));
      int64_t page_done = done;
      for (int k = 0; k < objects; ++k) {
        if (k == objects * 2 / 5) wave = page_done + millis(rng.uniform(50, 500));
        const bool first_party = rng.chance(0.5);
        const int origin = first_party ? site : third_parties[rng.below(third_parties.size())];
        const int64_t timeout = first_party ? site_timeout : seconds(rng.uniform(15, 120));
        const int64_t at = wave + millis(rng.uniform(0, 25));
        page_done = std::max(page_done, browser.fetch(origin, first_party, at, object_size(rng), timeout));
      }
      // Analytics beacons once the page has loaded.
      const int beacons = static_cast<int>(rng.between(0, 3));
      for (int b = 0; b < beacons; ++b) {
        const int64_t at = page_done + millis(rng.uniform(100, 3000));
        browser.fetch(third_parties.back(), false, at, static_cast<uint32_t>(rng.between(40, 400)), seconds(60));
      }
      const int64_t next = page_done + seconds(std::clamp(rng.lognormal(think_median_s, 0.8), 1.5, 110.0));
      // While the user reads: live updates (feeds, comments) on the site's connection.
      while (live_updates && live_next < next && live_next < ctx.end_ns) {
        browser.fetch(site, true, live_next, static_cast<uint32_t>(rng.between(200, 6000)), site_timeout);
        live_next += seconds(rng.uniform(3, 20));
      }
      t = next;
    }
  }
  browser.finish();
  out.param("sites", std::to_string(sites));
  out.param("page_loads", std::to_string(loads));
  return out;
}

}  // namespace flowspike::synth
