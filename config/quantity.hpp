#pragma once
// Resource quantities ("200m", "64Mi", "1e3") with Kubernetes' resource.Quantity semantics:
// exact decimal values, the suffix style (DecimalSI, BinarySI, DecimalExponent) remembered from
// the input and reused when printing, and the same canonical text Kubernetes writes back.
//
// Contract:
// - Parsing follows upstream's scanner, quirks included: "1.G" is accepted, and a missing number
//   reads as zero ("+", ".", "m" all parse to 0). Non-zero values finer than 1n round up, away
//   from zero, to 1n. BinarySI values are capped at 2^63-1 in magnitude.
// - Values are held as mantissa * 10^exponent with a 128-bit mantissa of at most 38 decimal digits
//   and exponent >= -9 (the nano floor). Anything that does not fit (a DecimalSI number with more
//   than 38 significant digits, or a sum/difference needing more) is reported, never wrapped.
// - to_string() is canonical as upstream's String(): it reuses the input text when upstream does
//   ("+3", "1E3", "100k"), else picks the largest suffix that keeps the value exact
//   ("1000m" -> "1", "1024Mi" -> "1Gi", "1.5Gi" -> "1536Mi", "0.5" -> "500m").
//   One deliberate difference: a DecimalSI value above the "E" range (10^21 and up) is printed in
//   exponent form ("1e21") where upstream loses the suffix.
// - value(), milli_value(), scaled_value() round up (away from zero) and saturate at the int64
//   limits instead of wrapping.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::config {

enum class quantity_format { decimal_si, binary_si, decimal_exponent };

class quantity {
public:
  quantity() = default;  // zero, DecimalSI

  /// value * 10^scale, e.g. from_scaled(250, -3) is 250m. Finer than 1n rounds up to 1n;
  /// scales above 2^31-20 are clamped.
  static quantity from_scaled(int64_t value, int32_t scale,
                              quantity_format format = quantity_format::decimal_si);
  static quantity from_int(int64_t value, quantity_format format = quantity_format::decimal_si) {
    return from_scaled(value, 0, format);
  }
  static quantity from_milli(int64_t value, quantity_format format = quantity_format::decimal_si) {
    return from_scaled(value, -3, format);
  }

  quantity_format format() const { return format_; }
  /// Changes only how the value is printed.
  void set_format(quantity_format f) {
    format_ = f;
    text_.clear();
  }

  std::string to_string() const;

  bool is_zero() const { return mantissa_ == 0; }
  int sign() const { return mantissa_ < 0 ? -1 : (mantissa_ > 0 ? 1 : 0); }
  /// -1, 0 or 1 comparing values (format does not matter: 1Ki == 1024).
  int compare(const quantity& other) const;

  /// The value in units of 10^scale, rounded up away from zero, saturated to int64.
  int64_t scaled_value(int32_t scale) const;
  int64_t value() const { return scaled_value(0); }         // e.g. memory in bytes
  int64_t milli_value() const { return scaled_value(-3); }  // e.g. cpu in millicores

  quantity negated() const;

  friend bool operator==(const quantity& a, const quantity& b) { return a.compare(b) == 0; }
  friend bool operator!=(const quantity& a, const quantity& b) { return a.compare(b) != 0; }
  friend bool operator<(const quantity& a, const quantity& b) { return a.compare(b) < 0; }
  friend bool operator>(const quantity& a, const quantity& b) { return a.compare(b) > 0; }
  friend bool operator<=(const quantity& a, const quantity& b) { return a.compare(b) <= 0; }
  friend bool operator>=(const quantity& a, const quantity& b) { return a.compare(b) >= 0; }

private:
  friend struct quantity_access;

  __int128 mantissa_ = 0;  // no trailing decimal zeros unless zero; |mantissa_| < 10^38
  int32_t exponent_ = 0;   // >= -9; 0 when the value is zero
  quantity_format format_ = quantity_format::decimal_si;
  std::string text_;  // the input text when upstream would print it back verbatim
};

struct quantity_result {
  std::optional<quantity> value;
  std::string error;  // upstream's wording, set when value is empty

  explicit operator bool() const { return value.has_value(); }
};

/// Parses a quantity, or says why not with upstream's messages:
///   "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
///   "unable to parse quantity's suffix", "unable to parse numeric part of quantity".
quantity_result parse_quantity_or_error(std::string_view text);
std::optional<quantity> parse_quantity(std::string_view text);

/// Sum and difference; the format is the left operand's unless it is zero (as upstream's Add/Sub).
/// Empty when the result does not fit the representation.
std::optional<quantity> add(const quantity& a, const quantity& b);
std::optional<quantity> subtract(const quantity& a, const quantity& b);

} // namespace troupe::config
