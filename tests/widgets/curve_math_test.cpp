// Debiased EMA and min/max decimation against hand-computed values.
#include "curve_math.h"

#include <gtest/gtest.h>

#include <cmath>

using relay::debiasedEma;
using relay::decimateMinMax;

TEST(CurveMath, EmaWithoutSmoothingIsTheInput) {
    const QVector<double> values = {3, 1, 4, 1, 5};
    EXPECT_EQ(debiasedEma(values, 0), values);
}

TEST(CurveMath, DebiasedEmaMatchesHandComputation) {
    // w = 0.5: m1 = 0.5*2 = 1, s1 = 1/(1-0.5) = 2; m2 = 0.5*1 + 0.5*4 = 2.5, s2 = 2.5/0.75;
    // m3 = 1.25 + 0.5*8 = 5.25, s3 = 5.25/0.875.
    const QVector<double> smoothed = debiasedEma({2, 4, 8}, 0.5);
    ASSERT_EQ(smoothed.size(), 3);
    EXPECT_DOUBLE_EQ(smoothed[0], 2.0); // the first point is never pulled towards zero
    EXPECT_DOUBLE_EQ(smoothed[1], 2.5 / 0.75);
    EXPECT_DOUBLE_EQ(smoothed[2], 5.25 / 0.875);
}

TEST(CurveMath, EmaOfAConstantIsThatConstant) {
    for (double value : debiasedEma(QVector<double>(50, 7.0), 0.95))
        EXPECT_NEAR(value, 7.0, 1e-12);
}

TEST(CurveMath, DecimationKeepsExtremesAndBoundsTheCount) {
    QVector<double> x, y;
    for (int i = 0; i < 100000; ++i) {
        x.append(i);
        y.append(std::sin(i * 0.001));
    }
    y[54321] = 100;  // a spike
    y[12345] = -100; // a dip
    QVector<double> outX, outY;
    decimateMinMax(x, y, 0, x.size(), 500, outX, outY);
    EXPECT_LE(outX.size(), 1000);
    EXPECT_GE(outX.size(), 500);
    EXPECT_TRUE(std::is_sorted(outX.begin(), outX.end()));
    EXPECT_TRUE(outY.contains(100.0));
    EXPECT_TRUE(outY.contains(-100.0));
    EXPECT_EQ(outX.first(), 0);
    EXPECT_EQ(outX.last(), 99999);
}

TEST(CurveMath, SmallRangesAreCopiedAsTheyAre) {
    const QVector<double> x = {1, 2, 3, 4}, y = {4, 3, 2, 1};
    QVector<double> outX, outY;
    decimateMinMax(x, y, 1, 3, 100, outX, outY);
    EXPECT_EQ(outX, QVector<double>({2, 3}));
    EXPECT_EQ(outY, QVector<double>({3, 2}));
}

TEST(CurveMath, AscendingOrderKeepsEqualValuesInTheirOrder) {
    // 1 at indices 1 and 3: a stable order lists 1 before 3 (a plain sort may not).
    EXPECT_EQ(relay::ascendingOrder({3, 1, 2, 1}), (std::vector<int>{1, 3, 2, 0}));
    EXPECT_TRUE(relay::ascendingOrder({}).empty());
}
