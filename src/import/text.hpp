#pragma once
// Cleaning and parsing of the text that official lists actually contain:
// BOMs and zero-width spaces inside values, HTML in addresses, numbers
// written as "22.0" or "815 A", ALL-CAPS and abbreviated street names.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rifugio::import {

/// Remove BOM and zero-width characters, strip HTML tags and decode entities,
/// turn every run of white space (newlines, NBSP) into one space, trim.
std::string clean_text(std::string_view raw);

/// Strip BOM/zero-width characters and surrounding spaces from a field name.
std::string clean_field_name(std::string_view raw);

/// A non-negative whole number: "120", "22.0", "1e3". std::nullopt for
/// anything else ("815 A", "-3", "2.5", "").
std::optional<std::int64_t> parse_whole_number(std::string_view s);

/// A decimal number, allowing a trailing comma or spaces ("31.76,").
std::optional<double> parse_decimal(std::string_view s);

/// Lower-case (ASCII, Latin-1, Greek and Cyrillic letters), punctuation to
/// spaces, leading zeros of numbers dropped: the form addresses are compared in.
std::string address_key(std::string_view address);

/// True when two addresses probably name the same place: same house numbers
/// and street words that agree on most of their letters ("Malmg 36" and
/// "Malmgatan 36", "Stasjonsgt. 24" and "Stasjonsgata 24").
bool similar_addresses(std::string_view a, std::string_view b);
/// The same on address_key() results, for callers that compare one address many times.
bool similar_address_keys(const std::string& ka, const std::string& kb);

}  // namespace rifugio::import
