#include "import/text.hpp"

#include <gtest/gtest.h>

namespace rifugio::import {
namespace {

TEST(CleanText, RemovesInvisibleCharactersHtmlAndExtraSpace) {
  EXPECT_EQ(clean_text("\xEF\xBB\xBFneighborhood"), "neighborhood");         // BOM
  EXPECT_EQ(clean_text("170\xE2\x80\x8B"), "170");                          // zero-width space
  EXPECT_EQ(clean_text("  KIRSTEN FLAGSTADSVEI  30 "), "KIRSTEN FLAGSTADSVEI 30");
  EXPECT_EQ(clean_text("<a href=\"https://www.waze.com/ul?ll=31.79%2C35.22&amp;navigate=yes\">25 Yoel St.</a> "),
            "25 Yoel St.");
  EXPECT_EQ(clean_text("Fish &amp; Chips &#39;n&#x27; more&nbsp;here"), "Fish & Chips 'n' more here");
  EXPECT_EQ(clean_text("line one\nline two"), "line one line two");
  EXPECT_EQ(clean_text("a < b and c > d"), "a < b and c > d");  // not a tag
  EXPECT_EQ(clean_text("Солом’янський"), "Солом’янський");     // UTF-8 kept intact
}

TEST(ParseNumbers, AcceptsWhatListsWriteAndRejectsJunk) {
  EXPECT_EQ(parse_whole_number("22.0"), 22);
  EXPECT_EQ(parse_whole_number("120"), 120);
  EXPECT_EQ(parse_whole_number("0"), 0);
  EXPECT_FALSE(parse_whole_number("815 A"));
  EXPECT_FALSE(parse_whole_number("-3"));
  EXPECT_FALSE(parse_whole_number("2.5"));
  EXPECT_FALSE(parse_whole_number(""));
  EXPECT_DOUBLE_EQ(*parse_decimal("31.76185405030013,"), 31.76185405030013);
  EXPECT_DOUBLE_EQ(*parse_decimal(" -40000.5 "), -40000.5);
  EXPECT_FALSE(parse_decimal("abc"));
  EXPECT_FALSE(parse_decimal("nan"));
  EXPECT_FALSE(parse_decimal("inf"));
}

TEST(Addresses, SimilarWhenOnlyTheStreetWordIsSpelledDifferently) {
  EXPECT_TRUE(similar_addresses("Malmg 36", "Malmgatan 36"));
  EXPECT_TRUE(similar_addresses("Stasjonsgt. 24", "Stasjonsgata 24"));
  EXPECT_TRUE(similar_addresses("KIRSTEN FLAGSTADSVEI  30", "Kirsten Flagstadsvei 30"));
  EXPECT_TRUE(similar_addresses("Trimv. 09 - Borre Idrettspark (off)", "Trimv. 9 - Borre idrettspark (off)"));
  EXPECT_FALSE(similar_addresses("Åkershällsvägen 6 A", "Åkershällsvägen 6 E"));
  EXPECT_FALSE(similar_addresses("Malmgatan 36", "Malmgatan 38"));
  EXPECT_FALSE(similar_addresses("Larvev. 31 - Hogsnes Grendehus, rom 2", "Larvev. 31 - Hogsnes Grendehus, rom 1"));
  EXPECT_FALSE(similar_addresses("連江縣南竿鄉介壽村93號前下方", "連江縣南竿鄉介壽村76號縣府地下室"));
  EXPECT_FALSE(similar_addresses("", "Malmgatan 36"));
  EXPECT_EQ(address_key("ÅKERSHÄLLSVÄGEN 06 A"), "åkershällsvägen 6 a");
  EXPECT_EQ(address_key("ВУЛ. ІЛЛЄНКА, 18-А"), "вул іллєнка 18 а");
}

}  // namespace
}  // namespace rifugio::import
