// A table of results as data: a title, a header, rows of cells and notes. The
// same Table is printed as aligned text by the CLI and drawn as HTML in the
// report, so the two always agree. A cell knows whether it is a number (right
// aligned), text (left aligned) or a missing figure ("absent", "n/a": greyed in
// HTML). Plain value type.
#pragma once

#include <string>
#include <vector>

namespace flowspike::report {

enum class CellKind : uint8_t { text, number, missing };

struct Cell {
  std::string text;
  CellKind kind = CellKind::text;

  static Cell label(std::string s) { return {std::move(s), CellKind::text}; }
  static Cell number(std::string s) { return {std::move(s), CellKind::number}; }
  static Cell missing(std::string s) { return {std::move(s), CellKind::missing}; }
};

struct Table {
  std::string id;                      // short stable name ("per_class"), used as the HTML anchor
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
  std::vector<std::string> notes;      // sentences shown under the table
};

// The table as aligned plain text: the title, the header, a rule, the rows,
// then the notes; text cells left-aligned, numbers and missing figures right-aligned.
std::string render_text(const Table& table);

}  // namespace flowspike::report
