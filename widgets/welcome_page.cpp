#include "welcome_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace relay {

WelcomePage::WelcomePage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(tr("<h2>RELAY Workbench</h2>"), this);
    auto* text = new QLabel(
        tr("Train looped Transformers whose iterations line up with Chain-of-Thought steps, "
           "watch each iteration, generate chains for longer problems and fine-tune "
           "auto-regressive models on them.<br><br>The engine runs from a shell as "
           "<tt>relay</tt>; try <tt>relay data generate --task ari --lengths 1-4 --per-length 10 "
           "--out ari.txt</tt> or <tt>relay train --preset cpu-quick-ari</tt>."),
        this);
    text->setWordWrap(true);
    layout->addWidget(title);
    layout->addWidget(text);
    layout->addStretch(1);
}

} // namespace relay
