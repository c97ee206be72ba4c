#include "colour_palette.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QMenu>
#include <QPalette>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>

namespace relay {
namespace {

const QString kSettingsKey = QStringLiteral("view/palette");

// Fusion's colour roles filled for a dark theme; the disabled group is dimmed so greyed-out
// buttons stay distinguishable from live ones.
QPalette darkPalette() {
    const QColor window(0x2b, 0x2d, 0x31), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    const QColor button(0x35, 0x37, 0x3c), highlight(0x2f, 0x6a, 0xc0);
    const QColor dimmed(0x80, 0x80, 0x80);
    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::ToolTipBase, base);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, dimmed);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, button);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    palette.setColor(QPalette::Light, button.lighter(140));
    palette.setColor(QPalette::Midlight, button.lighter(120));
    palette.setColor(QPalette::Mid, button.darker(120));
    palette.setColor(QPalette::Dark, base.darker(130));
    palette.setColor(QPalette::Shadow, Qt::black);
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, highlight.lighter(130));
    palette.setColor(QPalette::LinkVisited, highlight.lighter(110));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, dimmed);
    palette.setColor(QPalette::Disabled, QPalette::Highlight, button);
    return palette;
}

} // namespace

QStringList paletteChoices() {
    return {QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")};
}

QString savedPaletteChoice() {
    const QString choice = QSettings().value(kSettingsKey).toString();
    return paletteChoices().contains(choice) ? choice : QStringLiteral("system");
}

void savePaletteChoice(const QString& choice) {
    QSettings().setValue(kSettingsKey, choice);
}

bool applyPaletteChoice(const QString& choice) {
    if (!paletteChoices().contains(choice))
        return false;
    if (choice == QLatin1String("system"))
        return true;
    // Fusion draws every control from the palette, so both built-in palettes look whole.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(
        choice == QLatin1String("dark") ? darkPalette() : QApplication::style()->standardPalette());
    return true;
}

void addPaletteMenu(QMenu* parent, QStatusBar* status) {
    QMenu* palettes = parent->addMenu(QMenu::tr("&Palette"));
    auto* group = new QActionGroup(palettes);
    const QStringList titles = {QMenu::tr("&System"), QMenu::tr("&Light"), QMenu::tr("&Dark")};
    const QStringList choices = paletteChoices();
    for (int i = 0; i < choices.size(); ++i) {
        QAction* action = palettes->addAction(titles.value(i, choices[i]));
        action->setCheckable(true);
        action->setChecked(choices[i] == savedPaletteChoice());
        group->addAction(action);
        QObject::connect(action, &QAction::triggered, status, [status, choice = choices[i]] {
            savePaletteChoice(choice);
            status->showMessage(
                QMenu::tr("The %1 palette applies from the next start.").arg(choice), 8000);
        });
    }
}

} // namespace relay
