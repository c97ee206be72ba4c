// The viewer's transport bar on its own: stepping clamps to the iterations there are, and
// playing steps to the last iteration and stops there.
#include "widget_test_support.h"

#include "iteration_playback.h"

#include <gtest/gtest.h>

#include <QSignalSpy>

using namespace relay;

TEST(IterationPlayback, StepsClampToTheIterationsThereAre) {
    IterationPlayback playback;
    QSignalSpy changed(&playback, &IterationPlayback::iterationChanged);
    playback.goTo(3);
    EXPECT_EQ(playback.current(), 0); // nothing to show yet
    playback.setIterations(4, 1, 3);
    EXPECT_EQ(changed.size(), 1); // a new problem is not a step
    playback.next();
    EXPECT_EQ(playback.current(), 2);
    playback.goTo(10);
    EXPECT_EQ(playback.current(), 4);
    playback.next();
    EXPECT_EQ(playback.current(), 4);
    playback.goTo(-2);
    EXPECT_EQ(playback.current(), 1);
    playback.last();
    playback.previous();
    EXPECT_EQ(playback.current(), 3);
    playback.first();
    QList<int> shown;
    for (const QList<QVariant>& arguments : changed)
        shown.append(arguments[0].toInt());
    EXPECT_EQ(shown, QList<int>({0, 2, 4, 4, 1, 4, 3, 1}));
}

TEST(IterationPlayback, PlayingStepsToTheLastIterationAndStops) {
    IterationPlayback playback;
    playback.setSpeed(8.0);
    EXPECT_DOUBLE_EQ(playback.speed(), 8.0);
    playback.setIterations(4, 4, 4);
    QSignalSpy changed(&playback, &IterationPlayback::iterationChanged);
    playback.setPlaying(true); // at the last iteration: starts again from the first
    EXPECT_TRUE(playback.playing());
    ASSERT_TRUE(test::waitFor([&] { return !playback.playing(); }, 10000));
    EXPECT_EQ(playback.current(), 4);
    QList<int> shown;
    for (const QList<QVariant>& arguments : changed)
        shown.append(arguments[0].toInt());
    EXPECT_EQ(shown, QList<int>({1, 2, 3, 4}));
}
