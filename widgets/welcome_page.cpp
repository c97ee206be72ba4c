#include "welcome_page.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace relay {

WelcomePage::WelcomePage(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    auto* column = new QWidget(this);
    column->setMaximumWidth(760);
    auto* layout = new QVBoxLayout(column);
    auto* title = new QLabel(tr("<h1>RELAY Workbench</h1>"), column);
    m_text = new QLabel(column);
    auto* text = m_text;
    setStoreEmpty(true);
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    m_demo = new QPushButton(tr("Open the demo: trained models, ready to explore"), column);
    m_demo->setObjectName(QStringLiteral("welcomeDemo"));
    m_demo->setDefault(true);
    m_demo->setMinimumHeight(40);
    m_pipeline = new QPushButton(tr("Run the CPU-quick pipeline (about 20 minutes)"), column);
    m_pipeline->setObjectName(QStringLiteral("welcomePipeline"));
    m_pipeline->setMinimumHeight(40);
    auto* quick = new QPushButton(tr("Only Stage I (cpu-quick-ari, looped)"), column);
    auto* setup = new QPushButton(tr("Set up an experiment…"), column);
    auto* hint = new QLabel(
        tr("Runs started from a shell (<tt>relay train --preset cpu-quick-ari</tt>) appear in "
           "the run list on the left as soon as they write to this store."),
        column);
    hint->setWordWrap(true);
    layout->addWidget(title);
    layout->addWidget(text);
    layout->addSpacing(8);
    layout->addWidget(m_demo);
    layout->addWidget(m_pipeline);
    layout->addWidget(quick);
    layout->addWidget(setup);
    layout->addSpacing(12);
    layout->addWidget(hint);
    // Centred without an alignment flag: aligned widgets get their size hint, which squeezes
    // word-wrapped labels into a narrow, clipped column.
    column->setMinimumWidth(560);
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 3);
    row->addStretch(1);
    outer->addStretch(1);
    outer->addLayout(row);
    outer->addStretch(2);
    connect(m_demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);
    connect(m_pipeline, &QPushButton::clicked, this, &WelcomePage::pipelineRequested);
    connect(quick, &QPushButton::clicked, this, &WelcomePage::quickTrainRequested);
    connect(setup, &QPushButton::clicked, this, &WelcomePage::setupRequested);
}

void WelcomePage::setStoreEmpty(bool empty) {
    m_text->setText(
        tr("<p>Train looped Transformers whose loop iterations line up with Chain-of-Thought "
           "steps (RELAY, arXiv 2502.08482), watch the curves live, and compare runs.</p>"
           "<p>%1 The demo opens a copy of the runs the CPU-quick pipeline made on modular "
           "arithmetic, with their trained models: step a problem longer than any in training "
           "through the looped model's iterations, read its chains, compare the runs.</p>"
           "<p>The pipeline makes the same runs on this machine: Stage I looped training, the "
           "vanilla looped and AR baselines, Stage II chain generation for longer problems, AR "
           "fine-tuning on them and an accuracy-by-length table, in about 20 minutes on two "
           "cores. It runs as an engine process (<tt>relay pipeline</tt>); the window stays "
           "responsive and you can cancel it any time and resume it later.</p>")
            .arg(empty ? tr("<b>This run store is empty.</b>") : QString()));
}

void WelcomePage::setDemoAvailable(bool available) {
    m_demo->setVisible(available);
    m_demo->setDefault(available);
    m_pipeline->setDefault(!available);
}

} // namespace relay
