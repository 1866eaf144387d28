#pragma once
// Go's text/tabwriter (flags 0, space padding) over a whole text, the way kubectl's describe
// output is laid out (tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)): cells end at '\t'; a column
// block is a run of consecutive lines having a cell in that column; every cell of a block is
// padded to the block's widest cell + padding (at least minwidth). The text after a line's last
// tab is padded too when the block it sits in is wider (hence describe's "True " with a trailing
// space in Conditions).

#include <string>

namespace troupe::cli {

std::string tabwriter_format(const std::string& text, size_t minwidth, size_t padding);

} // namespace troupe::cli
