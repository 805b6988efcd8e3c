#include "import/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

namespace rifugio::import {

namespace {

// Decodes one UTF-8 code point at s[i]; returns its length (1 for bad bytes).
std::size_t utf8_at(std::string_view s, std::size_t i, char32_t& cp) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
  if (i + n > s.size()) n = 1;
  if (n == 1) {
    cp = b;
    return 1;
  }
  cp = b & (0xFF >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return n;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool invisible(char32_t cp) {
  return cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0x00AD;
}
bool space(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x2007 ||
         cp == 0x202F;
}

std::string strip_tags_and_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<') {
      // A tag starts with a letter, '/' or '!'; anything else is a literal '<'.
      if (i + 1 < s.size() && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '/' || s[i + 1] == '!')) {
        auto end = s.find('>', i);
        if (end != std::string_view::npos) {
          std::string_view tag = s.substr(i + 1, end - i - 1);
          if (tag.starts_with("br") || tag.starts_with("/p") || tag.starts_with("/div")) out += ' ';
          i = end;
          continue;
        }
      }
    } else if (c == '&') {
      auto end = s.find(';', i);
      if (end != std::string_view::npos && end - i <= 10) {
        std::string_view ent = s.substr(i + 1, end - i - 1);
        static constexpr std::pair<std::string_view, char32_t> kNamed[] = {
            {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0}};
        bool done = false;
        for (auto& [name, cp] : kNamed)
          if (ent == name) {
            append_utf8(out, cp);
            done = true;
          }
        if (!done && ent.size() > 1 && ent[0] == '#') {
          unsigned long v = 0;
          bool hex = ent[1] == 'x' || ent[1] == 'X';
          auto digits = ent.substr(hex ? 2 : 1);
          auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, hex ? 16 : 10);
          if (ec == std::errc{} && p == digits.data() + digits.size() && v > 0 && v < 0x110000) {
            append_utf8(out, static_cast<char32_t>(v));
            done = true;
          }
        }
        if (done) {
          i = end;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

char32_t lower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if ((cp >= 0xC0 && cp <= 0xDE) && cp != 0xD7) return cp + 32;  // Latin-1
  if (cp >= 0x391 && cp <= 0x3A9) return cp + 32;                 // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                 // Cyrillic А-Я
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;                 // Ѐ-Џ (Є, І, Ї ...)
  if (cp == 0x490) return 0x491;                                  // Ґ
  return cp;
}

bool is_word_char(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || cp >= 0xC0;
}

std::vector<std::string> tokens(std::string_view key) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < key.size()) {
    auto j = key.find(' ', i);
    if (j == std::string_view::npos) j = key.size();
    if (j > i) out.emplace_back(key.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_number(const std::string& t) { return !t.empty() && std::isdigit(static_cast<unsigned char>(t[0])); }

}  // namespace

std::string clean_text(std::string_view raw) {
  std::string decoded = raw.find_first_of("<&") == std::string_view::npos
                            ? std::string(raw)
                            : strip_tags_and_entities(raw);
  std::string out;
  out.reserve(decoded.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < decoded.size();) {
    char32_t cp;
    std::size_t n = utf8_at(decoded, i, cp);
    if (invisible(cp)) {
    } else if (space(cp)) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out += ' ';
      pending_space = false;
      out.append(decoded, i, n);
    }
    i += n;
  }
  return out;
}

std::string clean_field_name(std::string_view raw) { return clean_text(raw); }

std::optional<double> parse_decimal(std::string_view s) {
  while (!s.empty() && (s.back() == ',' || s.back() == ' ')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_whole_number(std::string_view s) {
  auto v = parse_decimal(s);
  if (!v || *v < 0 || *v > 1e12 || std::floor(*v) != *v) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

std::string address_key(std::string_view address) {
  std::string cleaned = clean_text(address);
  std::string out;
  bool pending_space = false;
  bool last_digit = false;
  for (std::size_t i = 0; i < cleaned.size();) {
    char32_t cp;
    i += utf8_at(cleaned, i, cp);
    cp = lower(cp);
    if (is_word_char(cp)) {
      // Numbers are tokens of their own, also inside CJK text without spaces.
      const bool digit = cp >= '0' && cp <= '9';
      if (!out.empty() && !pending_space && digit != last_digit) pending_space = true;
      last_digit = digit;
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      append_utf8(out, cp);
    } else {
      pending_space = true;
    }
  }
  // Drop leading zeros of numbers: "Trimv. 09" is "trimv 9".
  std::string result;
  for (auto& t : tokens(out)) {
    std::string tok = t;
    if (is_number(tok)) {
      auto nz = tok.find_first_not_of('0');
      tok = nz == std::string::npos ? "0" : tok.substr(nz);
    }
    if (!result.empty()) result += ' ';
    result += tok;
  }
  return result;
}

bool similar_addresses(std::string_view a, std::string_view b) {
  return similar_address_keys(address_key(a), address_key(b));
}

bool similar_address_keys(const std::string& ka, const std::string& kb) {
  if (ka.empty() || kb.empty()) return false;
  if (ka == kb) return true;
  auto ta = tokens(ka), tb = tokens(kb);
  // Only the street word may be spelled differently; every other token
  // (house numbers, entrance letters, "rom 1", "plan A") must agree.
  if (ta.size() != tb.size()) return false;
  std::size_t street = 0;
  for (std::size_t i = 1; i < ta.size(); ++i)
    if (ta[i].size() > ta[street].size()) street = i;
  for (std::size_t i = 0; i < ta.size(); ++i)
    if (i != street && ta[i] != tb[i]) return false;
  const std::string& sa = ta[street];
  const std::string& sb = tb[street];
  if (is_number(sa) || is_number(sb)) return false;
  // Abbreviations keep the beginning of the word: "malmg" / "malmgatan", "stasjonsgt" / "stasjonsgata".
  std::size_t common = 0;
  while (common < sa.size() && common < sb.size() && sa[common] == sb[common]) ++common;
  const std::size_t shorter = std::min(sa.size(), sb.size());
  return common >= 4 && common * 10 >= shorter * 7;
}

}  // namespace rifugio::import
