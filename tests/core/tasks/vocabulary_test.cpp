#include "tasks/vocabulary.h"

#include <gtest/gtest.h>

using relay::Vocabulary;

TEST(Vocabulary, PadIsZeroAndIdsRoundTrip) {
    Vocabulary vocabulary(23);
    EXPECT_EQ(vocabulary.id("<pad>"), Vocabulary::kPad);
    for (std::int64_t id = 0; id < vocabulary.size(); ++id)
        EXPECT_EQ(vocabulary.id(vocabulary.token(id)), id);
    EXPECT_TRUE(vocabulary.contains("22"));
    EXPECT_FALSE(vocabulary.contains("23"));
}

TEST(Vocabulary, IdsAreStableAcrossNumberCounts) {
    Vocabulary small(11), large(256);
    for (std::int64_t id = 0; id < small.size(); ++id)
        EXPECT_EQ(large.id(small.token(id)), id) << small.token(id);
}

TEST(Vocabulary, CoversEveryTaskSymbol) {
    Vocabulary vocabulary;
    for (const char* token : {"<sep>", "<bos>", "<eos>", "[ARI]", "[ED]", "[LIS]", "+", "-", "*",
                              "/", "(", ")", "=", "|", ",", "a", "z", "0", "255"})
        EXPECT_TRUE(vocabulary.contains(token)) << token;
}

TEST(Vocabulary, JsonRoundTripAndRejectsForeignLists) {
    Vocabulary vocabulary(40);
    EXPECT_EQ(Vocabulary::fromJson(vocabulary.toJson()), vocabulary);
    EXPECT_THROW(Vocabulary::fromJson("[\"<pad>\"]"), std::invalid_argument);
    EXPECT_THROW(Vocabulary::fromJson("not json"), std::invalid_argument);
    std::string swapped = vocabulary.toJson();
    swapped.replace(swapped.find("\"+\""), 3, "\"x\"");
    EXPECT_THROW(Vocabulary::fromJson(swapped), std::invalid_argument);
}

TEST(Vocabulary, UnknownTokenNamesTheToken) {
    Vocabulary vocabulary(11);
    try {
        vocabulary.id("banana");
        FAIL();
    } catch (const std::out_of_range& error) {
        EXPECT_NE(std::string(error.what()).find("banana"), std::string::npos);
    }
}
