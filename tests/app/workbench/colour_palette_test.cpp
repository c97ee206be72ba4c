// The palette choice (colour_palette.h): the built-in palettes keep text readable on their
// backgrounds, dark is dark, unknown names are refused, and a stored choice survives only when
// it is one of the three.
#include "colour_palette.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>

#include <cstdlib>

namespace relay {
namespace {

// Restores the application's palette and style after a test changes them.
class PaletteGuard {
public:
    PaletteGuard() : m_palette(QApplication::palette()), m_style(QApplication::style()->name()) {}
    ~PaletteGuard() {
        QApplication::setStyle(m_style);
        QApplication::setPalette(m_palette);
    }

private:
    QPalette m_palette;
    QString m_style;
};

int lightness(QPalette::ColorGroup group, QPalette::ColorRole role) {
    return QApplication::palette().color(group, role).lightness();
}

// Text and its background differ by at least this much lightness (0-255) in every pair a
// view draws: a palette that mixes up a role pair (dark text on dark base) fails.
constexpr int kReadableContrast = 120;

void expectReadable() {
    const std::pair<QPalette::ColorRole, QPalette::ColorRole> pairs[] = {
        {QPalette::Window, QPalette::WindowText},
        {QPalette::Base, QPalette::Text},
        {QPalette::Button, QPalette::ButtonText},
        {QPalette::Highlight, QPalette::HighlightedText},
        {QPalette::ToolTipBase, QPalette::ToolTipText}};
    for (const auto& [background, foreground] : pairs)
        EXPECT_GE(std::abs(lightness(QPalette::Active, background) -
                           lightness(QPalette::Active, foreground)),
                  kReadableContrast)
            << "roles " << background << " / " << foreground;
}

TEST(ColourPalette, DarkIsDarkAndReadable) {
    PaletteGuard guard;
    ASSERT_TRUE(applyPaletteChoice(QStringLiteral("dark")));
    EXPECT_LT(lightness(QPalette::Active, QPalette::Window), 80);
    EXPECT_LT(lightness(QPalette::Active, QPalette::Base), 80);
    EXPECT_GT(lightness(QPalette::Active, QPalette::Text), 180);
    expectReadable();
    // Disabled text stays visible but is told apart from live text.
    EXPECT_LT(lightness(QPalette::Disabled, QPalette::ButtonText),
              lightness(QPalette::Active, QPalette::ButtonText) - 60);
    EXPECT_EQ(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
}

TEST(ColourPalette, LightIsLightAndReadable) {
    PaletteGuard guard;
    ASSERT_TRUE(applyPaletteChoice(QStringLiteral("light")));
    EXPECT_GT(lightness(QPalette::Active, QPalette::Base), 200);
    EXPECT_LT(lightness(QPalette::Active, QPalette::Text), 80);
    expectReadable();
}

TEST(ColourPalette, SystemLeavesThePaletteAloneAndUnknownNamesAreRefused) {
    PaletteGuard guard;
    const QColor before = QApplication::palette().color(QPalette::Window);
    EXPECT_TRUE(applyPaletteChoice(QStringLiteral("system")));
    EXPECT_FALSE(applyPaletteChoice(QStringLiteral("solarized")));
    EXPECT_EQ(QApplication::palette().color(QPalette::Window), before);
}

TEST(ColourPalette, StoredChoiceRoundTripsAndFallsBackToSystem) {
    savePaletteChoice(QStringLiteral("dark"));
    EXPECT_EQ(savedPaletteChoice(), QStringLiteral("dark"));
    QSettings().setValue(QStringLiteral("view/palette"), QStringLiteral("neon"));
    EXPECT_EQ(savedPaletteChoice(), QStringLiteral("system"));
    QSettings().remove(QStringLiteral("view/palette"));
    EXPECT_EQ(savedPaletteChoice(), QStringLiteral("system"));
}

} // namespace
} // namespace relay
