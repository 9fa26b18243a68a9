#include "flowspike/features/size_bin_edges.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "flowspike/common/error.h"

namespace flowspike::features {
namespace {

using capture::Direction;
constexpr Direction F = Direction::forward;
constexpr Direction B = Direction::backward;

// shared/reference/preprocessing.md, section a.5: all 301 edges.
const std::vector<double> kAuthorsEdges = {
      0, 40, 41, 42, 43, 44, 45, 46, 47, 48,
      49, 50, 51, 52, 53, 54, 55, 56, 57, 58,
      59, 60, 61, 62, 63, 64, 65, 66, 67, 68,
      69, 70, 71, 72, 73, 74, 75, 76, 77, 78,
      79, 80, 81, 82, 83, 84, 85, 86, 87, 88,
      89, 90, 100, 110, 120, 130, 140, 150, 160, 170,
      180, 190, 200, 210, 220, 230, 240, 250, 260, 270,
      280, 290, 300, 310, 320, 330, 340, 350, 360, 370,
      380, 390, 400, 410, 420, 430, 440, 450, 460, 470,
      480, 490, 500, 510, 520, 530, 540, 550, 560, 570,
      580, 590, 610, 630, 650, 670, 690, 710, 730, 750,
      770, 790, 810, 830, 850, 870, 890, 910, 930, 950,
      970, 990, 1010, 1030, 1050, 1070, 1090, 1110, 1130, 1150,
      1170, 1190, 1210, 1230, 1250, 1270, 1290, 1310, 1330, 1350,
      1370, 1390, 1410, 1430, 1450, 1470, 1490, 1510, 1530, 1550,
      1570, 1590, 1591, 1592, 1593, 1594, 1595, 1596, 1597, 1598,
      1599, 1600, 1601, 1602, 1603, 1604, 1605, 1606, 1607, 1608,
      1609, 1610, 1611, 1612, 1613, 1614, 1615, 1616, 1617, 1618,
      1619, 1620, 1621, 1622, 1623, 1624, 1625, 1626, 1627, 1628,
      1629, 1630, 1631, 1632, 1633, 1634, 1635, 1636, 1637, 1638,
      1639, 1640, 1650, 1660, 1670, 1680, 1690, 1700, 1710, 1720,
      1730, 1740, 1750, 1760, 1770, 1780, 1790, 1800, 1810, 1820,
      1830, 1840, 1850, 1860, 1870, 1880, 1890, 1900, 1910, 1920,
      1930, 1940, 1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020,
      2030, 2040, 2050, 2060, 2070, 2080, 2090, 2100, 2110, 2120,
      2130, 2140, 2160, 2180, 2200, 2220, 2240, 2260, 2280, 2300,
      2320, 2340, 2360, 2380, 2400, 2420, 2440, 2460, 2480, 2500,
      2520, 2540, 2560, 2580, 2600, 2620, 2640, 2660, 2680, 2700,
      2720, 2740, 2760, 2780, 2800, 2820, 2840, 2860, 2880, 2900,
      2920, 2940, 2960, 2980, 3000, 3020, 3040, 3060, 3080, 3100,
      3120,
};

TEST(SizeBinEdges, AuthorsEdgesAreThe301CalibratedEdges) {
  const SizeBinEdges e = SizeBinEdges::authors();
  EXPECT_EQ(e.edges(), kAuthorsEdges);
  EXPECT_EQ(e.size_bins(), 300u);
  EXPECT_EQ(e.forward_bins(), 151u);
  EXPECT_EQ(e.shift(), 1590.0);
}

// The per-size bin table of section a.5, row by row (authors' layout: one axis, drops).
std::optional<int> table_bin(int s, Direction dir) {
  if (dir == B) {
    if (s <= 49) return 151 + s;
    if (s <= 549) return 201 + (s - 50) / 10;
    if (s < 1530) return 251 + (s - 550) / 20;
    if (s == 1530) return 299;
    return std::nullopt;
  }
  if (s < 40) return 0;
  if (s <= 89) return s - 39;
  if (s <= 589) return 51 + (s - 90) / 10;
  if (s <= 1589) return 101 + (s - 590) / 20;
  if (s <= 3120) return table_bin(s - 1590, B);
  return std::nullopt;
}

TEST(SizeBinEdges, AuthorsLayoutMatchesTheBinTableForEverySize) {
  const SizeBinEdges e = SizeBinEdges::authors();
  for (int s = 0; s <= 5000; ++s)
    for (Direction d : {F, B}) {
      auto got = e.bin(static_cast<uint32_t>(s), d, SizeOverflow::drop, true);
      auto want = table_bin(s, d);
      ASSERT_EQ(got.has_value(), want.has_value()) << "size " << s << " dir " << int(d);
      if (want) {
        EXPECT_EQ(got->bin, *want) << "size " << s << " dir " << int(d);
        EXPECT_FALSE(got->clipped);
      }
    }
}

TEST(SizeBinEdges, AuthorsTableBoundaryRows) {
  const SizeBinEdges e = SizeBinEdges::authors();
  auto bin = [&](uint32_t s, Direction d) {
    auto b = e.bin(s, d, SizeOverflow::drop, true);
    return b ? static_cast<int>(b->bin) : -1;
  };
  // forward rows
  EXPECT_EQ(bin(0, F), 0);
  EXPECT_EQ(bin(39, F), 0);
  EXPECT_EQ(bin(40, F), 1);
  EXPECT_EQ(bin(89, F), 50);
  EXPECT_EQ(bin(90, F), 51);
  EXPECT_EQ(bin(589, F), 100);
  EXPECT_EQ(bin(590, F), 101);
  EXPECT_EQ(bin(1589, F), 150);
  EXPECT_EQ(bin(1590, F), 151);  // lands in the backward half as backward 0
  EXPECT_EQ(bin(3120, F), 299);
  EXPECT_EQ(bin(3121, F), -1);
  // backward rows
  EXPECT_EQ(bin(0, B), 151);
  EXPECT_EQ(bin(49, B), 200);
  EXPECT_EQ(bin(50, B), 201);
  EXPECT_EQ(bin(549, B), 250);
  EXPECT_EQ(bin(550, B), 251);
  EXPECT_EQ(bin(1529, B), 299);
  EXPECT_EQ(bin(1530, B), 299);
  EXPECT_EQ(bin(1531, B), -1);
  // the examples listed under the table
  EXPECT_EQ(bin(40, F), 1);
  EXPECT_EQ(bin(52, F), 13);
  EXPECT_EQ(bin(1500, F), 146);
  EXPECT_EQ(bin(0, B), 151);
  EXPECT_EQ(bin(40, B), 191);
  EXPECT_EQ(bin(52, B), 201);
  EXPECT_EQ(bin(1500, B), 298);
  EXPECT_EQ(bin(1530, B), 299);
  EXPECT_EQ(bin(1531, B), -1);
}

TEST(SizeBinEdges, PaperLayoutClipsEachHalfIntoItsLastBin) {
  const SizeBinEdges e = SizeBinEdges::authors();
  auto fwd = [&](uint32_t s) { return e.bin(s, F, SizeOverflow::last_bin); };
  auto bwd = [&](uint32_t s) { return e.bin(s, B, SizeOverflow::last_bin); };
  for (uint32_t s = 0; s < 1590; ++s) EXPECT_EQ(fwd(s)->bin, *table_bin(static_cast<int>(s), F));
  EXPECT_EQ(fwd(1590)->bin, 150);  // the half's last bin [1570, 1590] is closed
  EXPECT_FALSE(fwd(1590)->clipped);
  EXPECT_EQ(fwd(1591)->bin, 150);
  EXPECT_TRUE(fwd(1591)->clipped);
  EXPECT_EQ(fwd(9000)->bin, 150);
  for (uint32_t s = 0; s <= 1530; ++s) EXPECT_EQ(bwd(s)->bin, *table_bin(static_cast<int>(s), B));
  EXPECT_EQ(bwd(1531)->bin, 299);
  EXPECT_TRUE(bwd(1531)->clipped);
  EXPECT_EQ(bwd(65535)->bin, 299);
  // With drop instead, the same sizes are lost.
  EXPECT_FALSE(e.bin(1591, F, SizeOverflow::drop).has_value());
  EXPECT_FALSE(e.bin(1531, B, SizeOverflow::drop).has_value());
}

TEST(SizeBinEdges, UniformEdgesAreTenBytesPerDirection) {
  const SizeBinEdges e = SizeBinEdges::uniform();
  ASSERT_EQ(e.edges().size(), 301u);
  for (size_t i = 0; i < 301; ++i) EXPECT_EQ(e.edges()[i], 10.0 * static_cast<double>(i));
  EXPECT_EQ(e.forward_bins(), 150u);
  EXPECT_EQ(e.shift(), 1500.0);
  auto bin = [&](uint32_t s, Direction d) { return e.bin(s, d, SizeOverflow::last_bin)->bin; };
  EXPECT_EQ(bin(0, F), 0);
  EXPECT_EQ(bin(9, F), 0);
  EXPECT_EQ(bin(10, F), 1);
  EXPECT_EQ(bin(1499, F), 149);
  EXPECT_EQ(bin(1500, F), 149);
  EXPECT_FALSE(e.bin(1500, F, SizeOverflow::last_bin)->clipped);  // a full-size packet is in range
  EXPECT_TRUE(e.bin(1501, F, SizeOverflow::last_bin)->clipped);
  EXPECT_EQ(bin(0, B), 150);
  EXPECT_EQ(bin(52, B), 155);
  EXPECT_EQ(bin(1500, B), 299);
  EXPECT_EQ(bin(1600, B), 299);
}

TEST(SizeBinEdges, TableLookupAgreesWithTheReferenceSearch) {
  std::vector<SizeBinEdges> all = {SizeBinEdges::authors(), SizeBinEdges::uniform(),
                                   SizeBinEdges::uniform(20, 37.5),
                                   SizeBinEdges({10, 20.5, 64, 100, 100.25, 700}, 2)};
  for (const auto& e : all)
    for (uint32_t s : [] {
           std::vector<uint32_t> v;
           for (uint32_t s = 0; s <= 4000; ++s) v.push_back(s);
           for (uint32_t s : {9000u, 65535u, 65575u, 200000u}) v.push_back(s);
           return v;
         }())
      for (Direction d : {F, B})
        for (SizeOverflow o : {SizeOverflow::drop, SizeOverflow::last_bin})
          for (bool layout : {false, true}) {
            auto a = e.bin(s, d, o, layout);
            auto b = e.bin_reference(s, d, o, layout);
            ASSERT_EQ(a.has_value(), b.has_value()) << s;
            if (a) {
              ASSERT_EQ(a->bin, b->bin) << "size " << s << " dir " << int(d) << " layout " << layout;
              ASSERT_EQ(a->clipped, b->clipped) << s;
            }
          }
}

TEST(SizeBinEdges, SizesBelowTheFirstEdgeAreOutOfRange) {
  const SizeBinEdges e({10, 20, 30, 40}, 2);  // forward [10, 20) [20, 30]; backward [30, 40] = 0..10
  EXPECT_FALSE(e.bin(5, F, SizeOverflow::drop).has_value());
  EXPECT_EQ(e.bin(5, F, SizeOverflow::last_bin)->bin, 0);
  EXPECT_TRUE(e.bin(5, F, SizeOverflow::last_bin)->clipped);
  EXPECT_EQ(e.bin(0, B, SizeOverflow::drop)->bin, 2);
}

TEST(SizeBinEdges, CalibratedFollowsTheAuthorsConstruction) {
  // Half of 60 bins, gaps 1 and 10 from 40: int(1 * 30 / 2) = 15 bytes in
  // steps of 1 (40..54), int(10 * 30 / 2) = 150 bytes in steps of 10 (55..195),
  // shift = 195 + 10 = 205, and the same runs again from there.
  const SizeBinEdges e = SizeBinEdges::calibrated(60, {1, 10}, 40);
  EXPECT_EQ(e.edges().size(), 61u);
  EXPECT_EQ(e.edges()[1], 40);
  EXPECT_EQ(e.edges()[15], 54);
  EXPECT_EQ(e.edges()[16], 55);
  EXPECT_EQ(e.edges()[30], 195);
  EXPECT_EQ(e.forward_bins(), 31u);
  EXPECT_EQ(e.shift(), 205);
  EXPECT_EQ(e.edges()[46], 220);
  EXPECT_EQ(e.edges().back(), 360);
  // 302 bins: the 10-byte run is int(10 * 151 / 3) = 503 bytes, not a multiple of 10.
  EXPECT_THROW(SizeBinEdges::calibrated(302, {1, 10, 20}, 40), Error);
}

TEST(SizeBinEdges, RejectsBadEdges) {
  EXPECT_THROW(SizeBinEdges({0, 10, 10, 20}, 1), Error);
  EXPECT_THROW(SizeBinEdges({0, 10, 5, 20}, 1), Error);
  EXPECT_THROW(SizeBinEdges({0, 10}, 1), Error);
  EXPECT_THROW(SizeBinEdges({0, 10, 20}, 2), Error);
  EXPECT_THROW(SizeBinEdges({0, 10, 20}, 0), Error);
}

}  // namespace
}  // namespace flowspike::features
