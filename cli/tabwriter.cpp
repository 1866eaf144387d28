#include "cli/tabwriter.hpp"

#include <vector>

#include "cli/table_printer.hpp"

namespace troupe::cli {

namespace {

struct writer {
  std::vector<std::vector<std::string>> lines;
  std::vector<size_t> widths;
  size_t minwidth, padding;
  std::string out;

  void write_lines(size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; ++i) {
      const auto& line = lines[i];
      for (size_t j = 0; j < line.size(); ++j) {
        out += line[j];
        if (j < widths.size()) {
          size_t w = text_width(line[j]);
          if (widths[j] > w)
            out.append(widths[j] - w, ' ');
        }
      }
      if (i + 1 < lines.size())
        out += '\n';
    }
  }

  void format(size_t line0, size_t line1) {
    size_t column = widths.size();
    for (size_t t = line0; t < line1; ++t) {
      if (column + 1 >= lines[t].size())
        continue;
      write_lines(line0, t);
      line0 = t;
      size_t width = minwidth;
      for (; t < line1; ++t) {
        if (column + 1 >= lines[t].size())
          break;
        width = std::max(width, text_width(lines[t][column]) + padding);
      }
      widths.push_back(width);
      format(line0, t);
      widths.pop_back();
      line0 = t;
      if (t >= line1)
        break;
    }
    write_lines(line0, line1);
  }
};

} // namespace

std::string tabwriter_format(const std::string& text, size_t minwidth, size_t padding) {
  writer w;
  w.minwidth = minwidth;
  w.padding = padding;
  std::string cell;
  std::vector<std::string> line;
  for (char c : text) {
    if (c == '\t') {
      line.push_back(cell);
      cell.clear();
    } else if (c == '\n') {
      line.push_back(cell);
      cell.clear();
      w.lines.push_back(std::move(line));
      line.clear();
    } else {
      cell += c;
    }
  }
  line.push_back(cell);
  w.lines.push_back(std::move(line)); // the text after the last newline (usually empty)
  w.format(0, w.lines.size());
  return w.out;
}

} // namespace troupe::cli
