#include "flowspike/report/table.h"

#include <algorithm>

#include <fmt/format.h>

namespace flowspike::report {
namespace {

// Display width of UTF-8 text: code points, not bytes.
size_t width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void pad(std::string& out, const std::string& s, size_t w, bool right) {
  const size_t fill = w > width(s) ? w - width(s) : 0;
  if (right) out.append(fill, ' ');
  out += s;
  if (!right) out.append(fill, ' ');
}

}  // namespace

std::string render_text(const Table& table) {
  const size_t columns = table.header.size();
  std::vector<size_t> w(columns, 0);
  for (size_t c = 0; c < columns; ++c) w[c] = width(table.header[c]);
  for (const auto& row : table.rows)
    for (size_t c = 0; c < std::min(columns, row.size()); ++c) w[c] = std::max(w[c], width(row[c].text));

  std::string out = table.title + "\n";
  auto line = [&](auto text_of, auto right_of, size_t n) {
    std::string l;
    for (size_t c = 0; c < n; ++c) {
      if (c > 0) l += "  ";
      pad(l, text_of(c), w[c], right_of(c));
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  // A header cell sits over its column's alignment: left for the first column.
  line([&](size_t c) { return table.header[c]; }, [](size_t c) { return c > 0; }, columns);
  size_t total = 0;
  for (size_t c = 0; c < columns; ++c) total += w[c] + (c > 0 ? 2 : 0);
  out += std::string(total, '-') + "\n";
  for (const auto& row : table.rows)
    line([&](size_t c) { return row[c].text; }, [&](size_t c) { return row[c].kind != CellKind::text; },
         std::min(columns, row.size()));
  for (const std::string& note : table.notes) out += "  " + note + "\n";
  return out;
}

}  // namespace flowspike::report
