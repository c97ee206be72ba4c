// The workbench's palette choice: the system's (the default), or a built-in light or dark one
// for desktops whose theme Qt does not follow. Views read the palette when they are built, so
// the choice is applied once, before the main window exists; the View menu stores it for the
// next start.
#pragma once

#include <QString>
#include <QStringList>

class QMenu;
class QStatusBar;

namespace relay {

// "system", "light", "dark".
QStringList paletteChoices();

// The stored choice ("view/palette"), "system" when none.
QString savedPaletteChoice();
void savePaletteChoice(const QString& choice);

// Sets the application style and palette for the choice; false for an unknown name.
bool applyPaletteChoice(const QString& choice);

// A "Palette" submenu of `parent` with one checkable entry per choice; picking one stores it
// and says on `status` that it applies from the next start.
void addPaletteMenu(QMenu* parent, QStatusBar* status);

} // namespace relay
