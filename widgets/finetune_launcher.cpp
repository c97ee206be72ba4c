#include "finetune_launcher.h"

#include "config/stored_config.h"

#include "closed_set_text.h"
#include "run_chooser.h"
#include "store_access.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace relay {

QStringList FineTuneRequest::overrides() const {
    QStringList list;
    if (steps > 0)
        list << QStringLiteral("training.steps=%1").arg(steps);
    if (learningRate > 0)
        list << QStringLiteral("optimizer.learning_rate=%1").arg(learningRate);
    if (batchSize > 0)
        list << QStringLiteral("training.batch_size=%1").arg(batchSize);
    return list;
}

QStringList FineTuneRequest::generateOverrides() const {
    QStringList list;
    if (lengthsMax > 0)
        list << QStringLiteral("stage2.lengths_max=%1").arg(lengthsMax);
    if (generatedSamples > 0)
        list << QStringLiteral("stage2.generated_samples=%1").arg(generatedSamples);
    return list;
}

namespace {

QString chainSetHelp(ChainSelection chains) {
    switch (chains) {
    case ChainSelection::All:
        return FineTuneLauncher::tr("Every generated chain (the paper)");
    case ChainSelection::LabelFree:
        return FineTuneLauncher::tr("The chains the label-free filter keeps: the answer head "
                                    "agrees with the steps and every token is confident");
    case ChainSelection::Verified:
        return FineTuneLauncher::tr("The chains the task's verifier accepts");
    }
    return {};
}

} // namespace

QStringList FineTuneRequest::fineTuneArguments() const {
    QStringList arguments = {QStringLiteral("finetune"), QStringLiteral("--generator"),
                             QString::number(generator), QStringLiteral("--baseline"),
                             QString::number(baseline),  QStringLiteral("--chains"),
                             screenText(chains)};
    if (!name.isEmpty())
        arguments << QStringLiteral("--name") << name;
    for (const QString& assignment : overrides())
        arguments << QStringLiteral("--set") << assignment;
    return arguments;
}

FineTuneLauncher::FineTuneLauncher(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("fineTuneLauncher"));
    qRegisterMetaType<FineTuneRequest>();
    m_generator = new QComboBox;
    m_generator->setObjectName(QStringLiteral("fineTuneGenerator"));
    m_baseline = new QComboBox;
    m_baseline->setObjectName(QStringLiteral("fineTuneBaseline"));
    for (QComboBox* box : {m_generator, m_baseline})
        box->setMinimumContentsLength(34);
    m_lengths = new QSpinBox;
    m_lengths->setRange(1, 500);
    m_samples = new QSpinBox;
    m_samples->setRange(1, 10000000);
    m_lengths->setObjectName(QStringLiteral("fineTuneLengths"));
    m_samples->setObjectName(QStringLiteral("fineTuneSamples"));
    m_lengths->setToolTip(tr("Chains for lengths K_train+1 up to this (stage2.lengths_max; "
                             "starts at the generator run's value)"));
    m_samples->setToolTip(tr("Generated chains, split over the lengths in the paper's Table 3 "
                             "proportions (stage2.generated_samples)"));
    m_chains = new QComboBox;
    m_chains->setObjectName(QStringLiteral("fineTuneChains"));
    for (const auto& [chains, name] : ClosedSet<ChainSelection>::names) {
        m_chains->addItem(QString::fromLatin1(name), int(chains));
        m_chains->setItemData(m_chains->count() - 1, chainSetHelp(chains), Qt::ToolTipRole);
    }
    m_chains->setToolTip(tr("Which Stage II chains the fine-tune trains on (relay finetune "
                            "--chains)"));
    m_steps = new QSpinBox;
    m_steps->setRange(1, 10000000);
    m_learningRate = new QDoubleSpinBox;
    m_learningRate->setDecimals(6);
    m_learningRate->setRange(1e-6, 1.0);
    m_learningRate->setSingleStep(1e-4);
    m_batchSize = new QSpinBox;
    m_batchSize->setRange(1, 4096);
    m_batchSize->setValue(64);
    m_name = new QLineEdit;
    m_name->setPlaceholderText(tr("default: <generator>-relay"));

    auto* runs = new QGroupBox(tr("Runs"));
    auto* runsForm = new QFormLayout(runs);
    runsForm->addRow(tr("Looped generator"), m_generator);
    runsForm->addRow(tr("AR baseline"), m_baseline);
    auto* stage2 = new QGroupBox(tr("Stage II chains"));
    auto* stage2Form = new QFormLayout(stage2);
    stage2Form->addRow(tr("Lengths up to"), m_lengths);
    stage2Form->addRow(tr("Generated samples"), m_samples);
    stage2Form->addRow(tr("Train on chains"), m_chains);
    auto* training = new QGroupBox(tr("Fine-tune"));
    auto* trainingForm = new QFormLayout(training);
    trainingForm->addRow(tr("Steps"), m_steps);
    trainingForm->addRow(tr("Learning rate"), m_learningRate);
    trainingForm->addRow(tr("Batch size"), m_batchSize);
    trainingForm->addRow(tr("Run name"), m_name);

    m_launch = new QPushButton(tr("Generate chains and fine-tune"));
    m_launch->setObjectName(QStringLiteral("fineTuneLaunch"));
    m_launch->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"));
    m_compare = new QPushButton(tr("Compare baseline and fine-tuned"));
    auto* progress = new QGroupBox(tr("Progress"));
    auto* grid = new QGridLayout(progress);
    m_generateState = new QLabel;
    m_fineTuneState = new QLabel;
    m_generateProgress = new QProgressBar;
    m_fineTuneProgress = new QProgressBar;
    m_message = new QLabel;
    m_message->setWordWrap(true);
    grid->addWidget(new QLabel(tr("1. Generate and verify chains")), 0, 0);
    grid->addWidget(m_generateProgress, 0, 1);
    grid->addWidget(m_generateState, 0, 2);
    grid->addWidget(new QLabel(tr("2. Fine-tune the AR model")), 1, 0);
    grid->addWidget(m_fineTuneProgress, 1, 1);
    grid->addWidget(m_fineTuneState, 1, 2);
    grid->addWidget(m_message, 2, 0, 1, 3);
    grid->setColumnStretch(1, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_launch);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_compare);
    buttons->addStretch(1);

    auto* forms = new QHBoxLayout;
    forms->addWidget(runs, 2);
    forms->addWidget(stage2, 1);
    forms->addWidget(training, 1);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("Stage II of RELAY: the looped model writes chains for problems longer than it "
           "was trained on, each is verified, and the AR baseline is fine-tuned on them (an "
           "<i>ar-relay</i> run). Both stages run as engine jobs; the window stays usable."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addLayout(forms);
    layout->addLayout(buttons);
    layout->addWidget(progress);
    layout->addStretch(1);

    connect(m_generator, &QComboBox::currentIndexChanged, this,
            &FineTuneLauncher::updateGeneratorDefaults);
    connect(m_launch, &QPushButton::clicked, this, &FineTuneLauncher::launch);
    connect(m_cancel, &QPushButton::clicked, this, &FineTuneLauncher::cancelRequested);
    connect(m_compare, &QPushButton::clicked, this, [this] {
        if (m_fineTuned >= 0)
            Q_EMIT compareRequested({m_launchedBaseline, m_fineTuned});
    });
    setStage(Stage::Generate, StageState::Waiting);
    setStage(Stage::FineTune, StageState::Waiting);
    updateButtons();
}

void FineTuneLauncher::setRuns(const QVector<RunRow>& rows) {
    m_configs.clear();
    for (const RunRow& row : rows)
        m_configs.append({row.run.id, QString::fromStdString(row.run.configJson)});
    const qint64 generator = chosenRun(m_generator);
    fillRunChooser(m_generator, rows,
                   [](const RunRow& row) { return row.run.kind == RunKind::Looped; });
    fillRunChooser(
        m_baseline, rows, [](const RunRow& row) { return isAutoregressive(row.run.kind); },
        [](const RunRow& row) { return row.run.kind == RunKind::Ar; }); // a plain AR-CoT baseline
    if (chosenRun(m_generator) != generator)
        updateGeneratorDefaults(); // only on a new generator: keeps what the user typed
    updateButtons();
}

void FineTuneLauncher::selectGenerator(qint64 run) {
    m_generator->setCurrentIndex(m_generator->findData(QVariant::fromValue<qint64>(run)));
}

void FineTuneLauncher::selectBaseline(qint64 run) {
    m_baseline->setCurrentIndex(m_baseline->findData(QVariant::fromValue<qint64>(run)));
}

void FineTuneLauncher::setChainSelection(ChainSelection chains) {
    m_chains->setCurrentIndex(m_chains->findData(int(chains)));
}

void FineTuneLauncher::setSteps(int steps) {
    m_steps->setValue(steps);
}

void FineTuneLauncher::updateGeneratorDefaults() {
    const qint64 run = m_generator->currentData().toLongLong();
    QString config;
    for (const auto& [id, json] : m_configs)
        if (id == run)
            config = json;
    // The generator's stage2 settings are the defaults (paper Table 3 proportions); a config
    // that cannot be read leaves the config defaults.
    const ExperimentConfig generator =
        tryStoredExperimentConfig(config.toStdString(),
                                  QStringLiteral("run %1").arg(run).toStdString())
            .value_or(ExperimentConfig{});
    m_lengths->setValue(generator.stageTwoLengthsMax());
    m_samples->setValue(generator.stage2.generatedSamples);
    m_steps->setValue(generator.stage2.steps);
    m_learningRate->setValue(generator.stage2.learningRate);
    setChainSelection(generator.stage2.verifiedOnly ? ChainSelection::Verified
                                                    : ChainSelection::All);
}

FineTuneRequest FineTuneLauncher::request() const {
    FineTuneRequest request;
    request.generator =
        m_generator->currentIndex() >= 0 ? m_generator->currentData().toLongLong() : -1;
    request.baseline =
        m_baseline->currentIndex() >= 0 ? m_baseline->currentData().toLongLong() : -1;
    request.chains = ChainSelection(m_chains->currentData().toInt());
    request.steps = m_steps->value();
    request.learningRate = m_learningRate->value();
    request.batchSize = m_batchSize->value();
    request.name = m_name->text().trimmed();
    request.lengthsMax = m_lengths->value();
    request.generatedSamples = m_samples->value();
    return request;
}

void FineTuneLauncher::launch() {
    const FineTuneRequest wanted = request();
    if (wanted.generator < 0 || wanted.baseline < 0 || m_running)
        return;
    m_running = true;
    m_fineTuned = -1;
    m_launchedBaseline = wanted.baseline;
    m_message->clear();
    setStage(Stage::Generate, StageState::Waiting);
    setStage(Stage::FineTune, StageState::Waiting);
    updateButtons();
    Q_EMIT launchRequested(wanted);
}

FineTuneLauncher::StageState FineTuneLauncher::stageState(Stage stage) const {
    return m_states[int(stage)];
}

void FineTuneLauncher::setStage(Stage stage, StageState state, const QString& detail) {
    m_states[int(stage)] = state;
    QLabel* label = stage == Stage::Generate ? m_generateState : m_fineTuneState;
    QProgressBar* bar = stage == Stage::Generate ? m_generateProgress : m_fineTuneProgress;
    switch (state) {
    case StageState::Waiting:
        label->setText(tr("waiting"));
        bar->setRange(0, 1);
        bar->setValue(0);
        break;
    case StageState::Running:
        label->setText(detail.isEmpty() ? tr("running…") : detail);
        if (stage == Stage::Generate)
            bar->setRange(0, 0); // busy: generation reports only when it ends
        break;
    case StageState::Finished:
        label->setText(detail.isEmpty() ? tr("done ✓") : detail);
        bar->setRange(0, 1);
        bar->setValue(1);
        break;
    case StageState::Failed:
        label->setText(detail.isEmpty() ? tr("failed") : detail);
        bar->setRange(0, 1);
        bar->setValue(0);
        break;
    }
}

void FineTuneLauncher::setFineTuneProgress(qint64 step, qint64 total) {
    m_fineTuneProgress->setRange(0, static_cast<int>(std::max<qint64>(total, 1)));
    m_fineTuneProgress->setValue(static_cast<int>(step));
    m_fineTuneState->setText(tr("step %1 of %2").arg(step).arg(total));
}

void FineTuneLauncher::setFinished(qint64 fineTunedRun, bool success, const QString& message) {
    m_running = false;
    m_fineTuned = success ? fineTunedRun : -1;
    m_message->setText(message);
    updateButtons();
}

void FineTuneLauncher::updateButtons() {
    m_launch->setEnabled(!m_running && m_generator->count() > 0 && m_baseline->count() > 0);
    m_cancel->setEnabled(m_running);
    m_compare->setEnabled(!m_running && m_fineTuned >= 0);
    const QString missing = tr("Needs a looped run and an AR baseline run in the store "
                               "(Experiment setup trains both).");
    if (m_generator->count() == 0 || m_baseline->count() == 0)
        m_message->setText(missing);
    else if (m_message->text() == missing)
        m_message->clear();
}

} // namespace relay
