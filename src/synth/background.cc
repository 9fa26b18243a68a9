// Background traffic and DNS (docs/synthetic-traffic.md, "Background").
#include <algorithm>
#include <string>
#include <vector>

#include "session_builder.h"

namespace flowspike::synth {
namespace {

void put16(std::vector<uint8_t>& m, uint16_t v) {
  m.push_back(static_cast<uint8_t>(v >> 8));
  m.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& m, uint32_t v) {
  put16(m, static_cast<uint16_t>(v >> 16));
  put16(m, static_cast<uint16_t>(v));
}
void put_name(std::vector<uint8_t>& m, const std::string& name) {
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    const size_t len = std::min<size_t>(dot - start, 63);
    if (len > 0) {
      m.push_back(static_cast<uint8_t>(len));
      m.insert(m.end(), name.begin() + static_cast<long>(start), name.begin() + static_cast<long>(start + len));
    }
    start = dot + 1;
  }
  m.push_back(0);
}

// RFC 1035 messages; EDNS(0) OPT record when `edns` (RFC 6891).
std::vector<uint8_t> dns_query(uint16_t id, const std::string& name, uint16_t qtype, bool edns) {
  std::vector<uint8_t> m;
  put16(m, id);
  put16(m, 0x0100);  // standard query, recursion desired
  put16(m, 1);
  put16(m, 0);
  put16(m, 0);
  put16(m, edns ? 1 : 0);
  put_name(m, name);
  put16(m, qtype);
  put16(m, 1);  // IN
  if (edns) {
    m.push_back(0);
    put16(m, 41);    // OPT
    put16(m, 1232);  // UDP payload size
    put32(m, 0);
    put16(m, 0);
  }
  return m;
}

std::vector<uint8_t> dns_response(Rng& rng, uint16_t id, const std::string& name, uint16_t qtype, bool edns) {
  std::vector<uint8_t> m;
  const int answers = static_cast<int>(rng.between(1, 4));
  const bool cname = rng.chance(0.4);
  put16(m, id);
  put16(m, 0x8180);  // response, RD, RA, no error
  put16(m, 1);
  put16(m, static_cast<uint16_t>(answers + (cname ? 1 : 0)));
  put16(m, 0);
  put16(m, edns ? 1 : 0);
  put_name(m, name);
  put16(m, qtype);
  put16(m, 1);
  const uint32_t ttl = static_cast<uint32_t>(rng.between(30, 3600));
  if (cname) {
    put16(m, 0xc00c);
    put16(m, 5);  // CNAME
    put16(m, 1);
    put32(m, ttl);
    std::vector<uint8_t> target;
    put_name(target, "edge-" + std::to_string(rng.between(1, 99)) + ".cdn-provider.net");
    put16(m, static_cast<uint16_t>(target.size()));
    m.insert(m.end(), target.begin(), target.end());
  }
  for (int i = 0; i < answers; ++i) {
    put16(m, 0xc00c);
    put16(m, qtype);
    put16(m, 1);
    put32(m, ttl);
    const int len = qtype == 28 ? 16 : 4;
    put16(m, static_cast<uint16_t>(len));
    for (int k = 0; k < len; ++k) m.push_back(static_cast<uint8_t>(k == 0 ? (qtype == 28 ? 0x26 : rng.between(13, 216)) : rng.next()));
  }
  if (edns) {
    m.push_back(0);
    put16(m, 41);
    put16(m, 1232);
    put32(m, 0);
    put16(m, 0);
  }
  return m;
}

// NTPv4 (RFC 5905) client request or server reply; timestamps in NTP format.
std::vector<uint8_t> ntp_message(Rng& rng, int64_t ts_ns, bool reply, uint64_t origin) {
  auto ntp_time = [](int64_t ns) {
    const uint64_t secs = static_cast<uint64_t>(ns / 1'000'000'000) + 2208988800ULL;
    const uint64_t frac = (static_cast<uint64_t>(ns % 1'000'000'000) << 32) / 1'000'000'000;
    return secs << 32 | frac;
  };
  std::vector<uint8_t> m;
  m.push_back(reply ? 0x24 : 0x23);  // LI 0, version 4, mode 4 (server) / 3 (client)
  m.push_back(reply ? static_cast<uint8_t>(rng.between(1, 3)) : 0);
  m.push_back(static_cast<uint8_t>(rng.between(6, 10)));  // poll
  m.push_back(reply ? 0xe7 : 0xe9);                       // precision
  put32(m, reply ? static_cast<uint32_t>(rng.between(0, 0x800)) : 0);   // root delay
  put32(m, reply ? static_cast<uint32_t>(rng.between(0, 0x1000)) : 0);  // root dispersion
  put32(m, reply ? static_cast<uint32_t>(rng.next()) : 0);              // reference id
  const uint64_t now = ntp_time(ts_ns);
  auto put64 = [&](uint64_t v) {
    put32(m, static_cast<uint32_t>(v >> 32));
    put32(m, static_cast<uint32_t>(v));
  };
  put64(reply ? now - (uint64_t{static_cast<uint32_t>(rng.between(16, 1024))} << 32) : 0);  // reference
  put64(reply ? origin : 0);                                                                // origin
  put64(reply ? now - 0x100000 : 0);                                                        // receive
  put64(now);                                                                               // transmit
  return m;
}

void add_udp_packet(Trace& trace, uint32_t flow, int64_t ts, uint8_t dir, std::vector<uint8_t> payload) {
  SynthPacket p;
  p.ts_ns = ts;
  p.flow = flow;
  p.dir = dir;
  p.payload = static_cast<uint16_t>(payload.size());
  p.blob = static_cast<int32_t>(trace.blobs.size());
  trace.blobs.push_back(std::move(payload));
  trace.packets.push_back(p);
}

const char* const kOsNames[] = {"ctldl.windowsupdate.com",   "settings-win.data.microsoft.com",
                                "connectivity-check.ubuntu.com", "detectportal.firefox.com",
                                "v10.events.data.microsoft.com", "safebrowsing.googleapis.com",
                                "update.googleapis.com",      "ocsp.digicert.com",
                                "clients4.google.com",        "api.snapcraft.io"};

}  // namespace

std::string server_name(Rng& rng, Category category, FlowRole role) {
  static const std::vector<std::string> video = {"rr3---sn-4g5e6nz7.googlevideo.com", "rr1---sn-h0jeenek.googlevideo.com",
                                                 "ipv4-c002-fra002-ix.1.oca.nflxvideo.net", "vod-adaptive.akamaized.net",
                                                 "video.xx.fbcdn.net", "www.youtube.com", "i.ytimg.com", "www.netflix.com",
                                                 "player.vimeo.com", "s.youtube.com"};
  static const std::vector<std::string> voip = {"api.skype.com", "edge-chat.facebook.com", "stun.l.google.com",
                                                "relay.hangouts.google.com", "e4.whatsapp.net", "sip.voipbuster.com"};
  static const std::vector<std::string> files = {"dl.dropboxusercontent.com", "content.dropboxapi.com",
                                                 "sftp.fileserver.net", "ftp.fileserver.net", "docs.google.com",
                                                 "onedrive.live.com", "upload.box.com"};
  static const std::vector<std::string> chat = {"edge-mqtt.facebook.com", "talk.google.com", "chat.hangouts.google.com",
                                                "login.icq.com", "slogin.oscar.aol.com", "g.whatsapp.net",
                                                "scontent.xx.fbcdn.net"};
  static const std::vector<std::string> web = {"www.wikipedia.org", "en.wikipedia.org", "www.nytimes.com", "www.reddit.com",
                                               "cdn.jsdelivr.net", "fonts.gstatic.com", "www.google-analytics.com",
                                               "www.bbc.co.uk", "static.xx.fbcdn.net", "ajax.googleapis.com",
                                               "www.amazon.com", "images-na.ssl-images-amazon.com", "www.cbc.ca",
                                               "stackoverflow.com", "cdn.sstatic.net", "pagead2.googlesyndication.com"};
  const std::vector<std::string>* list = &web;
  switch (category) {
    case Category::video: list = &video; break;
    case Category::voip: list = &voip; break;
    case Category::file_transfer: list = &files; break;
    case Category::chat: list = role == FlowRole::main ? &chat : &web; break;
    case Category::browsing: list = &web; break;
  }
  return (*list)[rng.below(list->size())];
}

void add_dns_lookup(SessionBuilder& b, Trace& trace, int64_t t, const std::string& name,
                    const capture::IpAddress& client, const capture::IpAddress& resolver, int64_t rtt_ns) {
  Rng& rng = b.rng;
  const uint32_t flow = trace.add_flow(make_flow(rng, b.host, capture::kProtoUdp, {client, b.host.ephemeral_port(rng)},
                                                 {resolver, 53}, rtt_ns, FlowRole::background, "dns"));
  trace.flows[flow].dont_fragment = false;
  const bool edns = rng.chance(0.5);
  const bool both = rng.chance(0.6);
  for (int q = 0; q < (both ? 2 : 1); ++q) {
    const uint16_t qtype = q == 0 ? 1 : 28;
    const auto id = static_cast<uint16_t>(rng.next());
    const int64_t at = t + q * static_cast<int64_t>(rng.uniform(20'000, 300'000));
    add_udp_packet(trace, flow, at, 0, dns_query(id, name, qtype, edns));
    const int64_t answered = at + rtt_ns + static_cast<int64_t>(rng.exponential(3e6));
    add_udp_packet(trace, flow, answered, 1, dns_response(rng, id, name, qtype, edns));
  }
}

namespace {

void add_host_background(SessionBuilder& b, Trace& trace, const capture::IpAddress& client,
                         const capture::IpAddress& resolver, uint16_t mss) {
  Rng& rng = b.rng;
  const int version = client.version;
  const double span = static_cast<double>(b.end_ns - b.start_ns);
  const int64_t dns_rtt = millis(rng.log_uniform(2, 40));
  // The operating system's own lookups every minute or two.
  for (int64_t t = b.start_ns + seconds(rng.exponential(40)); t < b.end_ns; t += seconds(rng.exponential(70)))
    add_dns_lookup(b, trace, t, kOsNames[rng.below(std::size(kOsNames))], client, resolver, dns_rtt);
  // NTP: one or two polls of a time server 64 s apart (ntpd keeps port 123).
  if (rng.chance(0.6)) {
    const bool ntpd = rng.chance(0.5);
    const capture::IpAddress server = public_address(rng, version, AddressPool::time_server);
    const uint16_t port = ntpd ? uint16_t{123} : b.host.ephemeral_port(rng);
    const int64_t rtt = millis(rng.log_uniform(5, 80));
    const uint32_t flow = trace.add_flow(
        make_flow(rng, b.host, capture::kProtoUdp, {client, port}, {server, 123}, rtt, FlowRole::background, "ntp"));
    trace.flows[flow].dont_fragment = false;
    int64_t t = b.start_ns + static_cast<int64_t>(rng.uniform() * span * 0.7);
    const int polls = rng.chance(0.4) ? 2 : 1;
    for (int i = 0; i < polls && t < b.end_ns; ++i, t += seconds(64)) {
      std::vector<uint8_t> request = ntp_message(rng, t, false, 0);
      uint64_t origin = 0;
      for (int k = 40; k < 48; ++k) origin = origin << 8 | request[static_cast<size_t>(k)];
      add_udp_packet(trace, flow, t, 0, request);
      add_udp_packet(trace, flow, t + trace.flows[flow].rtt_ns, 1, ntp_message(rng, t + trace.flows[flow].rtt_ns / 2, true, origin));
    }
  }
  // A stray connection or two: update checks, telemetry, captive-portal probes.
  const int stray = static_cast<int>(rng.between(1, 3));
  for (int i = 0; i < stray; ++i) {
    AppStream s;
    s.role = FlowRole::background;
    s.rtt_ns = millis(rng.log_uniform(10, 150));
    s.open_ns = b.start_ns + static_cast<int64_t>(rng.uniform() * span * 0.9);
    const bool plain_http = rng.chance(0.3);
    s.server_port = plain_http ? 80 : 443;
    s.label = plain_http ? "http-probe" : "tls-stray";
    int64_t t = plain_http ? s.open_ns + s.rtt_ns + 100'000 : add_tls_handshake(s, rng);
    const int exchanges = plain_http ? 1 : static_cast<int>(rng.between(1, 5));
    for (int k = 0; k < exchanges; ++k) {
      t += millis(rng.uniform(1, 400));
      t = request_response(s, rng, t, {120, 900}, {150, 30000}, {5, 100}, 20e6);
    }
    s.close_ns = t + seconds(rng.uniform(0.1, 8));
    s.server_closes = rng.chance(0.5);
    add_dns_lookup(b, trace, s.open_ns - dns_rtt - millis(1), kOsNames[rng.below(std::size(kOsNames))], client, resolver, dns_rtt);
    const uint16_t port = b.host.ephemeral_port(rng);
    const capture::IpAddress server = public_address(rng, version, AddressPool::content);
    FlowSpec f = make_flow(rng, b.host, capture::kProtoTcp, {client, port}, {server, s.server_port}, s.rtt_ns,
                           FlowRole::background, s.label);
    if (mss > 0) {
      f.client_mss = std::min(f.client_mss, mss);
      f.server_mss = std::min(f.server_mss, mss);
    }
    const uint32_t flow = trace.add_flow(std::move(f));
    render_stream(s, flow, b.link, rng, trace, b.end_ns);
  }
}

}  // namespace

void add_background(SessionBuilder& b, Trace& trace, const capture::IpAddress& client,
                    const capture::IpAddress& resolver, unsigned parts, uint16_t mss) {
  Rng& rng = b.rng;
  const int version = client.version;
  if (parts & kHostOnly) add_host_background(b, trace, client, resolver, mss);
  // LAN discovery: mDNS and SSDP queries to their multicast groups.
  if ((parts & kLanOnly) && version == 4 && rng.chance(0.5)) {
    const uint32_t mdns = trace.add_flow(make_flow(rng, b.host, capture::kProtoUdp, {client, 5353},
                                                   {ipv4(224, 0, 0, 251), 5353}, 0, FlowRole::background, "mdns"));
    trace.flows[mdns].client_ttl = 255;
    trace.flows[mdns].dont_fragment = false;
    const char* services[] = {"_googlecast._tcp.local", "_spotify-connect._tcp.local", "_airplay._tcp.local"};
    for (int64_t t = b.start_ns + seconds(rng.uniform(1, 60)); t < b.end_ns; t += seconds(rng.uniform(60, 200))) {
      std::vector<uint8_t> q = dns_query(0, services[rng.below(3)], 12, false);
      q[2] = 0;  // mDNS queries do not ask for recursion
      add_udp_packet(trace, mdns, t, 0, q);
    }
    const uint32_t ssdp = trace.add_flow(make_flow(rng, b.host, capture::kProtoUdp, {client, b.host.ephemeral_port(rng)},
                                                   {ipv4(239, 255, 255, 250), 1900}, 0, FlowRole::background, "ssdp"));
    trace.flows[ssdp].client_ttl = rng.chance(0.5) ? 1 : 4;
    trace.flows[ssdp].dont_fragment = false;
    const std::string search =
        "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
        "ST: urn:dial-multiscreen-org:service:dial:1\r\n\r\n";
    const int64_t t = b.start_ns + seconds(rng.uniform(1, 30));
    for (int i = 0; i < 4; ++i) add_udp_packet(trace, ssdp, t + millis(i * 1000.0), 0, {search.begin(), search.end()});
  }
}

}  // namespace flowspike::synth
